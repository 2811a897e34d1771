// Guards the session rule: 30 minutes idle or a new ad click start a new session; nothing else does.
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
    const first = resolveSession(cache, { given: null, at: T, clickIds: { fbclid: 'A' }, newSessionId });
    expect(first.created).toBe(true);
    const again = resolveSession(cache, { given: first.sessionId, at: T + 10 * MIN, clickIds: {}, newSessionId });
    expect(again).toEqual({ sessionId: first.sessionId, created: false, replaced: null });
    // idle is measured from the last event, not the first
    const later = resolveSession(cache, { given: first.sessionId, at: T + 35 * MIN, clickIds: { fbclid: 'A' }, newSessionId });
    expect(later.sessionId).toBe(first.sessionId);
    const idle = resolveSession(cache, { given: first.sessionId, at: T + 70 * MIN, clickIds: {}, newSessionId });
    expect(idle).toMatchObject({ created: true, replaced: first.sessionId });
    const clicked = resolveSession(cache, { given: idle.sessionId, at: T + 71 * MIN, clickIds: { fbclid: 'B' }, newSessionId });
    expect(clicked).toMatchObject({ created: true, replaced: idle.sessionId });
  });

  it('keeps an id it never saw (minted by the pixel or another process)', () => {
    const cache = new SessionMemoryCache();
    expect(resolveSession(cache, { given: 'sid_pixel', at: T, clickIds: { fbclid: 'A' }, newSessionId })).toEqual({
      sessionId: 'sid_pixel',
      created: false,
      replaced: null,
    });
  });

  it('stays bounded, forgetting the least recently seen', () => {
    const cache = new SessionMemoryCache(3);
    for (const id of ['a', 'b', 'c']) cache.touch(id, T, '');
    cache.touch('a', T + 1, '');
    cache.touch('d', T + 2, '');
    expect(cache.size).toBe(3);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBeDefined();
  });
});
