// Guards the request we put on the wire (URL, JSON body with the token in it, never in the URL)
// and that no result field ever carries the access token. Real HTTP is covered by the sandbox
// tests in src/sandbox/meta.
import { describe, expect, it } from 'vitest';
import { sendEvents } from './send-events.ts';
import type { MetaServerEvent } from './types.ts';

const EVENT: MetaServerEvent = {
  event_name: 'Purchase',
  event_time: 1_764_417_600,
  event_id: 'evt-1',
  action_source: 'system_generated',
  user_data: { em: ['a'.repeat(64)] },
  custom_data: { value: 197, currency: 'BRL' },
};
const TOKEN = 'EAAB-secret-token';

function recordingFetch(status: number, body: string, headers: Record<string, string> = {}) {
  const calls: { url: string; init: RequestInit }[] = [];
  const fetchImpl: typeof fetch = async (url, init) => {
    calls.push({ url: String(url), init: init ?? {} });
    return new Response(body, { status, headers: { 'content-type': 'application/json', ...headers } });
  };
  return { calls, fetchImpl };
}

describe('sendEvents', () => {
  it('POSTs {data, test_event_code, access_token} as JSON to /{version}/{pixel}/events', async () => {
    const { calls, fetchImpl } = recordingFetch(200, JSON.stringify({ events_received: 1, messages: [], fbtrace_id: 'T1' }));
    const result = await sendEvents({
      graphUrl: 'https://graph.example/',
      apiVersion: 'v24.0',
      pixelId: '123456',
      accessToken: TOKEN,
      testEventCode: 'TEST123',
      events: [EVENT],
      timeoutMs: 1500,
      fetchImpl,
    });
    expect(calls).toHaveLength(1);
    expect(calls[0]?.url).toBe('https://graph.example/v24.0/123456/events');
    expect(calls[0]?.url).not.toContain(TOKEN);
    expect(calls[0]?.init.method).toBe('POST');
    expect(new Headers(calls[0]?.init.headers).get('content-type')).toBe('application/json');
    expect(JSON.parse(String(calls[0]?.init.body))).toEqual({ data: [EVENT], test_event_code: 'TEST123', access_token: TOKEN });
    expect(result).toMatchObject({
      outcome: { kind: 'ok', eventsReceived: 1, fbtraceId: 'T1' },
      httpStatus: 200,
      errorCode: null,
      errorMessage: null,
      fbtraceId: 'T1',
      eventCount: 1,
    });
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('omits test_event_code when there is none', async () => {
    const { calls, fetchImpl } = recordingFetch(200, JSON.stringify({ events_received: 1 }));
    await sendEvents({ graphUrl: 'https://g', apiVersion: 'v24.0', pixelId: '1', accessToken: TOKEN, events: [EVENT], timeoutMs: 100, fetchImpl });
    expect(JSON.parse(String(calls[0]?.init.body))).not.toHaveProperty('test_event_code');
  });

  it('reports Meta’s error code, message and trace id, with the token redacted', async () => {
    const body = JSON.stringify({ error: { message: `bad token ${TOKEN}`, type: 'OAuthException', code: 190, fbtrace_id: 'T2' } });
    const { fetchImpl } = recordingFetch(400, body);
    const result = await sendEvents({ graphUrl: 'https://g', apiVersion: 'v24.0', pixelId: '1', accessToken: TOKEN, events: [EVENT], timeoutMs: 100, fetchImpl });
    expect(result).toMatchObject({ outcome: { kind: 'invalid_token', code: 190 }, httpStatus: 400, errorCode: 190, fbtraceId: 'T2' });
    expect(JSON.stringify(result)).not.toContain(TOKEN);
  });

  it('classifies a network failure as retry with no HTTP status', async () => {
    const fetchImpl: typeof fetch = async () => {
      throw new TypeError('fetch failed', { cause: Object.assign(new Error(`connect to ${TOKEN}`), { code: 'ECONNRESET' }) });
    };
    const result = await sendEvents({ graphUrl: 'https://g', apiVersion: 'v24.0', pixelId: '1', accessToken: TOKEN, events: [EVENT], timeoutMs: 100, fetchImpl });
    expect(result).toMatchObject({ outcome: { kind: 'retry' }, httpStatus: null, errorCode: null });
    expect(JSON.stringify(result)).not.toContain(TOKEN);
  });

  it('measures the duration with the given clock', async () => {
    const { fetchImpl } = recordingFetch(200, JSON.stringify({ events_received: 1 }));
    const ticks = [1000, 1250];
    const result = await sendEvents({
      graphUrl: 'https://g', apiVersion: 'v24.0', pixelId: '1', accessToken: TOKEN, events: [EVENT], timeoutMs: 100, fetchImpl,
      clock: () => ticks.shift() ?? 1250,
    });
    expect(result.durationMs).toBe(250);
  });
});
