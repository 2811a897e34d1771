// Guards the sandbox's imitation of Meta: if it accepted what Meta rejects, tests and the demo
// would pass against it while production fails. Driven with inject(), no port.
import { afterEach, describe, expect, it } from 'vitest';
import { buildMetaSandbox, type MetaSandbox } from './build-meta-sandbox.ts';

const NOW_MS = Date.parse('2026-11-29T12:00:00.000Z');
const NOW_S = NOW_MS / 1000;
const HASH = 'a'.repeat(64);
const DAY_S = 86_400;

function event(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    event_name: 'Purchase',
    event_time: NOW_S - 60,
    event_id: 'evt-1',
    action_source: 'system_generated',
    user_data: { em: [HASH] },
    custom_data: { value: 197, currency: 'BRL' },
    ...overrides,
  };
}

let sandbox: MetaSandbox;
afterEach(async () => {
  await sandbox.app.close();
});

function post(body: unknown, path = '/v24.0/123/events') {
  return sandbox.app.inject({ method: 'POST', url: path, payload: body as Record<string, unknown> });
}

describe('Meta sandbox validation', () => {
  it('accepts a valid batch and records each event', async () => {
    sandbox = buildMetaSandbox({ now: () => NOW_MS });
    const response = await post({ data: [event(), event({ event_id: 'evt-2' })], test_event_code: 'TEST1', access_token: 'tok' });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toEqual({ events_received: 2, messages: [], fbtrace_id: expect.any(String) });
    expect(response.headers['x-fb-trace-id']).toBe(body.fbtrace_id);
    expect(sandbox.recorder.events().map((e) => [e.pixelId, e.eventId, e.eventName, e.testEventCode])).toEqual([
      ['123', 'evt-1', 'Purchase', 'TEST1'],
      ['123', 'evt-2', 'Purchase', 'TEST1'],
    ]);
    expect(sandbox.recorder.events()[0]?.event).toEqual(event());
  });

  it('takes the token from the query string too', async () => {
    sandbox = buildMetaSandbox({ now: () => NOW_MS });
    const response = await post({ data: [event()] }, '/v24.0/123/events?access_token=tok');
    expect(response.statusCode).toBe(200);
  });

  it.each([
    ['no token', { data: [event()] }, 104],
    ['a listed invalid token', { data: [event()], access_token: 'revoked-token' }, 190],
    ['a token starting with "invalid"', { data: [event()], access_token: 'invalid-123' }, 190],
  ])('refuses %s as an OAuthException', async (_label, body, code) => {
    sandbox = buildMetaSandbox({ now: () => NOW_MS, invalidTokens: ['revoked-token'] });
    const response = await post(body);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: { type: 'OAuthException', code } });
    expect(sandbox.recorder.events()).toEqual([]);
  });

  it('answers 100/33 for a pixel the token cannot see, when pixels are listed', async () => {
    sandbox = buildMetaSandbox({ now: () => NOW_MS, knownPixelIds: ['999'] });
    const response = await post({ data: [event()], access_token: 'tok' });
    expect(response.json()).toMatchObject({ error: { code: 100, error_subcode: 33 } });
  });

  it.each<[string, unknown, number | undefined, RegExp]>([
    ['no data', { access_token: 't' }, undefined, /data is required/],
    ['empty data', { data: [], access_token: 't' }, undefined, /non-empty array/],
    ['1001 events', { data: Array.from({ length: 1001 }, () => event()), access_token: 't' }, undefined, /up to 1000 events/],
    ['no event_name', { data: [event(), event({ event_name: '' })], access_token: 't' }, undefined, /^event\[1\]: event_name/],
    ['event_time in milliseconds', { data: [event({ event_time: NOW_MS })], access_token: 't' }, undefined, /^event\[0\]: event_time/],
    ['event_time as a string', { data: [event({ event_time: String(NOW_S) })], access_token: 't' }, undefined, /event_time/],
    ['an event 8 days old', { data: [event(), event({ event_time: NOW_S - 8 * DAY_S })], access_token: 't' }, 2804003, /^event\[1\]: .*too far in the past/],
    ['an event 10 minutes ahead', { data: [event({ event_time: NOW_S + 600 })], access_token: 't' }, undefined, /in the future/],
    ['an unknown action_source', { data: [event({ action_source: 'web' })], access_token: 't' }, undefined, /action_source/],
    ['no user_data', { data: [event({ user_data: {} })], access_token: 't' }, undefined, /user_data is required/],
    ['an unhashed e-mail', { data: [event({ user_data: { em: ['maria@example.com'] } })], access_token: 't' }, undefined, /user_data\.em must be SHA-256/],
    ['an upper-case hash', { data: [event({ user_data: { ph: HASH.toUpperCase() } })], access_token: 't' }, undefined, /user_data\.ph/],
    ['an unhashed external_id', { data: [event({ user_data: { external_id: 'vis_1' } })], access_token: 't' }, undefined, /external_id/],
    ['a too-broad combination (fn + ge)', { data: [event({ user_data: { fn: HASH, ge: HASH } })], access_token: 't' }, 2804050, /too broad/],
    ['a website event without user agent', { data: [event({ action_source: 'website', event_source_url: 'https://x', user_data: { em: HASH } })], access_token: 't' }, undefined, /client_user_agent is required/],
    ['a website event without URL', { data: [event({ action_source: 'website', user_data: { em: HASH, client_user_agent: 'UA' } })], access_token: 't' }, undefined, /event_source_url is required/],
    ['a value sent as a string', { data: [event({ custom_data: { value: '197.00', currency: 'BRL' } })], access_token: 't' }, undefined, /value must be a number/],
  ])('rejects the whole batch for %s (code 100)', async (_label, body, subcode, message) => {
    sandbox = buildMetaSandbox({ now: () => NOW_MS });
    const response = await post(body);
    expect(response.statusCode).toBe(400);
    const { error } = response.json();
    expect(error).toMatchObject({ code: 100, message: '(#100) Invalid parameter', fbtrace_id: response.headers['x-fb-trace-id'] });
    expect(error.error_subcode).toBe(subcode);
    expect(error.error_user_msg).toMatch(message);
    expect(sandbox.recorder.events()).toEqual([]);
    expect(sandbox.recorder.stats()).toMatchObject({ requests: 1, accepted: 0, rejected: 1 });
  });

  it('accepts hashes carrying the parameter builder appendix', async () => {
    sandbox = buildMetaSandbox({ now: () => NOW_MS });
    const response = await post({ data: [event({ user_data: { em: `${HASH}.AQQCAQAB` } })], access_token: 't' });
    expect(response.statusCode).toBe(200);
  });

  it('answers malformed JSON in Meta’s error format', async () => {
    sandbox = buildMetaSandbox({ now: () => NOW_MS });
    const response = await sandbox.app.inject({
      method: 'POST',
      url: '/v24.0/123/events',
      headers: { 'content-type': 'application/json' },
      payload: '{"data": [',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: { code: 100 } });
  });
});

describe('Meta sandbox faults', () => {
  it('fails every request with rate 1 and records nothing', async () => {
    sandbox = buildMetaSandbox({ now: () => NOW_MS, faults: { rate: 1, modes: ['5xx'], seed: 1 } });
    const response = await post({ data: [event()], access_token: 't' });
    expect([500, 503]).toContain(response.statusCode);
    expect(response.json()).toMatchObject({ error: { code: 2, is_transient: true } });
    expect(sandbox.recorder.events()).toEqual([]);
    expect(sandbox.recorder.stats()).toMatchObject({ requests: 1, rejected: 1, faulted: 1 });
  });

  it('sends throttling codes with Retry-After', async () => {
    sandbox = buildMetaSandbox({ now: () => NOW_MS, faults: { rate: 1, modes: ['throttle'], seed: 3 }, throttleRetryAfterSeconds: 7 });
    const codes = new Set<number>();
    for (let i = 0; i < 20; i += 1) {
      const response = await post({ data: [event()], access_token: 't' });
      expect(response.statusCode).toBe(400);
      expect(response.headers['retry-after']).toBe('7');
      codes.add(response.json().error.code);
    }
    expect([...codes].sort((a, b) => a - b)).toEqual([4, 17, 80004]);
  });

  it('is deterministic with a seed', async () => {
    const statuses = async (): Promise<number[]> => {
      sandbox = buildMetaSandbox({ now: () => NOW_MS, faults: { rate: 0.5, modes: ['5xx', 'invalid_token'], seed: 99 } });
      const result: number[] = [];
      for (let i = 0; i < 30; i += 1) {
        const response = await post({ data: [event({ event_id: `e${i}` })], access_token: 't' });
        result.push(response.statusCode * 1000 + (response.json().error?.code ?? 0));
      }
      await sandbox.app.close();
      return result;
    };
    const first = await statuses();
    const second = await statuses();
    sandbox = buildMetaSandbox();
    expect(second).toEqual(first);
    expect(new Set(first).size).toBeGreaterThan(1); // a mix of successes and failures
  });
});

describe('Meta sandbox control endpoints', () => {
  it('lists, counts, changes faults and clears', async () => {
    sandbox = buildMetaSandbox({ now: () => NOW_MS });
    await post({ data: [event({ event_id: 'a' }), event({ event_id: 'b' })], access_token: 't' });
    await post({ data: [event({ event_id: 'a' })], access_token: 't' }, '/v24.0/456/events');

    const onlyA = await sandbox.app.inject({ method: 'GET', url: '/_sandbox/events?event_id=a' });
    expect(onlyA.json().map((e: { pixelId: string }) => e.pixelId)).toEqual(['123', '456']);
    const pixel456 = await sandbox.app.inject({ method: 'GET', url: '/_sandbox/events?pixel_id=456' });
    expect(pixel456.json()).toHaveLength(1);
    expect(pixel456.json()[0]).toMatchObject({ eventId: 'a', eventName: 'Purchase', receivedAt: '2026-11-29T12:00:00.000Z' });

    expect(sandbox.recorder.countByEventId()).toEqual(new Map([['a', 2], ['b', 1]]));
    const stats = await sandbox.app.inject({ method: 'GET', url: '/_sandbox/stats' });
    expect(stats.json()).toEqual({ requests: 2, reads: 0, accepted: 3, rejected: 0, faulted: 0, distinctEventIds: 2, duplicates: 1 });

    const badFaults = await sandbox.app.inject({ method: 'POST', url: '/_sandbox/faults', payload: { rate: 2, modes: ['5xx'] } });
    expect(badFaults.statusCode).toBe(400);
    const faults = await sandbox.app.inject({ method: 'POST', url: '/_sandbox/faults', payload: { rate: 1, modes: ['invalid_token'] } });
    expect(faults.statusCode).toBe(200);
    expect((await post({ data: [event()], access_token: 't' })).json()).toMatchObject({ error: { code: 190 } });

    const cleared = await sandbox.app.inject({ method: 'DELETE', url: '/_sandbox/events' });
    expect(cleared.statusCode).toBe(204);
    expect(sandbox.recorder.stats()).toEqual({ requests: 0, reads: 0, accepted: 0, rejected: 0, faulted: 0, distinctEventIds: 0, duplicates: 0 });
  });
});
