// Guards the session rule: 30 minutes idle or a new ad click start a new session; nothing else does —
// in particular not another tenant's events under the same session id (issue 15, finding 9).
import { describe, expect, it } from 'vitest';
import { SESSION_IDLE_MS, SessionMemoryCache, clickKeyOf, continuesSession, resolveSession } from './session-rule.ts';

const T = 1_700_000_000_000;
const MIN = 60_000;

describe('continuesSession', () => {
  it.each([
    ['unknown session continues', undefined, T, '', true],
    ['29 minutes idle continues', { lastSeenAt: T, clickKey: '' }, T + 29 * MIN, '', true],
    ['exactly 30 minutes continues', { lastSeenAt: T, clickKey: '' }, T + SESSION_IDLE_MS, '', true],
    ['31 minutes idle ends it', { lastSeenAt: T, clickKey: '' }, T + 31 * MIN, '', false],
    ['an earlier event continues', { lastSeenAt: T, clickKey: 'a||' }, T - 60 * MIN, '', true],
    ['same click continues', { lastSeenAt: T, clickKey: 'a||' }, T + MIN, 'a||', true],
    ['no click id continues a clicked session', { lastSeenAt: T, clickKey: 'a||' }, T + MIN, '', true],
    ['another click ends it', { lastSeenAt: T, clickKey: 'a||' }, T + MIN, 'b||', false],
    ['a first click ends an organic session', { lastSeenAt: T, clickKey: '' }, T + MIN, 'a||', false],
  ])('%s', (_name, previous, at, key, expected) => {
    expect(continuesSession(previous, at, key)).toBe(expected);
  });

  it('keys click ids by kind', () => {
    expect(clickKeyOf({})).toBe('');
    expect(clickKeyOf({ fbclid: 'x' })).not.toBe(clickKeyOf({ gclid: 'x' }));
  });
});

describe('resolveSession', () => {
  let n = 0;
  const newSessionId = () => `sid_${++n}`;

  it('creates, continues, expires and splits on a new click', () => {
    const cache = new SessionMemoryCache();
    const first = resolveSession(cache, { tenantId: 'ten_a', given: null, at: T, clickIds: { fbclid: 'A' }, newSessionId });
    expect(first.created).toBe(true);
    const again = resolveSession(cache, { tenantId: 'ten_a', given: first.sessionId, at: T + 10 * MIN, clickIds: {}, newSessionId });
    expect(again).toEqual({ sessionId: first.sessionId, created: false, replaced: null });
    // idle is measured from the last event, not the first
    const later = resolveSession(cache, { tenantId: 'ten_a', given: first.sessionId, at: T + 35 * MIN, clickIds: { fbclid: 'A' }, newSessionId });
    expect(later.sessionId).toBe(first.sessionId);
    const idle = resolveSession(cache, { tenantId: 'ten_a', given: first.sessionId, at: T + 70 * MIN, clickIds: {}, newSessionId });
    expect(idle).toMatchObject({ created: true, replaced: first.sessionId });
    const clicked = resolveSession(cache, { tenantId: 'ten_a', given: idle.sessionId, at: T + 71 * MIN, clickIds: { fbclid: 'B' }, newSessionId });
    expect(clicked).toMatchObject({ created: true, replaced: idle.sessionId });
  });

  it('keeps an id it never saw (minted by the pixel or another process)', () => {
    const cache = new SessionMemoryCache();
    expect(resolveSession(cache, { tenantId: 'ten_a', given: 'sid_pixel', at: T, clickIds: { fbclid: 'A' }, newSessionId })).toEqual({
      sessionId: 'sid_pixel',
      created: false,
      replaced: null,
    });
  });

  it('stays bounded, forgetting the least recently seen', () => {
    const cache = new SessionMemoryCache(3);
    for (const id of ['a', 'b', 'c']) cache.touch('ten_a', id, T, '');
    cache.touch('ten_a', 'a', T + 1, '');
    cache.touch('ten_a', 'd', T + 2, '');
    expect(cache.size).toBe(3);
    expect(cache.get('ten_a', 'b')).toBeUndefined();
    expect(cache.get('ten_a', 'a')).toBeDefined();
  });

  it('remembers sessions per tenant: one tenant’s click never ends another tenant’s session of the same id', () => {
    const cache = new SessionMemoryCache();
    const given = 'sid_shared';
    expect(resolveSession(cache, { tenantId: 'ten_a', given, at: T, clickIds: { fbclid: 'A' }, newSessionId }).sessionId).toBe(given);
    // tenant B's visitor uses the same id with its own ad click: for B it is a session never seen
    expect(resolveSession(cache, { tenantId: 'ten_b', given, at: T + MIN, clickIds: { fbclid: 'B' }, newSessionId })).toEqual({
      sessionId: given,
      created: false,
      replaced: null,
    });
    // and tenant A's session goes on, its click key untouched by B's
    expect(cache.get('ten_a', given)).toEqual({ lastSeenAt: T, clickKey: 'A||' });
    expect(resolveSession(cache, { tenantId: 'ten_a', given, at: T + 2 * MIN, clickIds: { fbclid: 'A' }, newSessionId }).sessionId).toBe(given);
  });
});
