// Guards the whole client path over real HTTP: buildServerEvent -> sendEvents -> sandbox ->
// classifyMetaResponse. Each injected failure must come back as the outcome the dispatcher acts
// on (retry, invalid_token, invalid_data), and a failed request must leave nothing recorded.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildServerEvent, sendEvents, type MetaServerEvent, type SendResult } from '../../domain/meta/index.ts';
import { startMetaSandbox, type RunningMetaSandbox } from './start-meta-sandbox.ts';

const PIXEL = '1234567890';
const TOKEN = 'EAAB-test-token';
let sandbox: RunningMetaSandbox;

beforeAll(async () => {
  sandbox = await startMetaSandbox({ hangMs: 5_000, throttleRetryAfterSeconds: 2 });
});
afterAll(async () => {
  await sandbox.close();
});
beforeEach(() => {
  sandbox.recorder.clear();
  sandbox.setFaults({ rate: 0, modes: [] });
});

function purchaseEvent(eventId: string, now = new Date()): MetaServerEvent {
  const built = buildServerEvent(
    {
      eventName: 'Purchase',
      eventTime: new Date(now.getTime() - 30_000),
      eventId,
      eventSourceUrl: 'https://lp.example.com/oferta',
      user: {
        email: 'maria@example.com',
        phone: '(11) 99999-8888',
        clientIpAddress: '189.100.1.2',
        clientUserAgent: 'Mozilla/5.0',
        fbp: 'fb.1.1764410000000.1098115397',
      },
      custom: { value: '197.00', currency: 'BRL' },
    },
    now,
  );
  if (!built.ok) throw new Error(built.reason);
  return built.event;
}

function send(events: readonly MetaServerEvent[], timeoutMs = 2_000, accessToken = TOKEN): Promise<SendResult> {
  return sendEvents({ graphUrl: sandbox.url, apiVersion: 'v24.0', pixelId: PIXEL, accessToken, testEventCode: 'TEST42', events, timeoutMs });
}

describe('sendEvents against the Meta sandbox', () => {
  it('delivers a batch and Meta-side records every event', async () => {
    const events = [purchaseEvent('cnv-1'), purchaseEvent('cnv-2')];
    const result = await send(events);
    expect(result).toMatchObject({
      outcome: { kind: 'ok', eventsReceived: 2, fbtraceId: expect.any(String) },
      httpStatus: 200,
      errorCode: null,
      eventCount: 2,
    });
    expect(result.fbtraceId).toBe(result.outcome.kind === 'ok' ? result.outcome.fbtraceId : null);
    const recorded = sandbox.recorder.events({ pixelId: PIXEL });
    expect(recorded.map((e) => [e.eventId, e.testEventCode])).toEqual([['cnv-1', 'TEST42'], ['cnv-2', 'TEST42']]);
    expect(recorded[0]?.event).toEqual(events[0]);
  });

  it('lets Meta count a resent event_id as a duplicate (what makes retries safe)', async () => {
    await send([purchaseEvent('cnv-dup')]);
    await send([purchaseEvent('cnv-dup')]);
    expect(sandbox.recorder.countByEventId().get('cnv-dup')).toBe(2);
    expect(sandbox.recorder.stats()).toMatchObject({ accepted: 2, distinctEventIds: 1, duplicates: 1 });
  });

  it('classifies a 5xx fault as retry', async () => {
    sandbox.setFaults({ rate: 1, modes: ['5xx'], seed: 1 });
    const result = await send([purchaseEvent('cnv-5xx')]);
    expect(result.outcome).toMatchObject({ kind: 'retry', code: 2 });
    expect([500, 503]).toContain(result.httpStatus);
    expect(result.errorCode).toBe(2);
    expect(sandbox.recorder.events()).toEqual([]);
  });

  it('classifies a throttling fault as retry, honouring Retry-After', async () => {
    sandbox.setFaults({ rate: 1, modes: ['throttle'], seed: 2 });
    const result = await send([purchaseEvent('cnv-throttle')]);
    expect(result.outcome).toMatchObject({ kind: 'retry', afterMs: 2_000 });
    expect([4, 17, 80004]).toContain(result.errorCode);
    expect(sandbox.recorder.events()).toEqual([]);
  });

  it('classifies an invalid-token fault as invalid_token', async () => {
    sandbox.setFaults({ rate: 1, modes: ['invalid_token'] });
    const result = await send([purchaseEvent('cnv-token')]);
    expect(result.outcome).toMatchObject({ kind: 'invalid_token', code: 190 });
    expect(sandbox.recorder.events()).toEqual([]);
  });

  it('gives up on a hanging request at the client timeout and classifies it as retry', async () => {
    sandbox.setFaults({ rate: 1, modes: ['timeout'] });
    const result = await send([purchaseEvent('cnv-hang')], 300);
    expect(result.outcome).toEqual({ kind: 'retry', reason: 'Meta did not answer within 300 ms' });
    expect(result.httpStatus).toBeNull();
    expect(result.durationMs).toBeGreaterThanOrEqual(290);
    expect(result.durationMs).toBeLessThan(2_000);
    expect(sandbox.recorder.events()).toEqual([]);
  });

  it('classifies a refused token (not a fault) as invalid_token', async () => {
    const result = await send([purchaseEvent('cnv-bad-token')], 2_000, 'invalid-token');
    expect(result.outcome).toMatchObject({ kind: 'invalid_token', code: 190 });
  });

  it('rejects an unhashed e-mail as invalid_data and records nothing', async () => {
    const event = { ...purchaseEvent('cnv-unhashed'), user_data: { em: ['maria@example.com'], client_user_agent: 'Mozilla/5.0' } };
    const result = await send([purchaseEvent('cnv-ok'), event]);
    expect(result.outcome).toMatchObject({ kind: 'invalid_data', code: 100 });
    expect(result.outcome.kind === 'invalid_data' && result.outcome.reason).toContain('event[1]: user_data.em must be SHA-256');
    expect(sandbox.recorder.events()).toEqual([]);
  });

  it('rejects an event older than 7 days as invalid_data 100/2804003', async () => {
    const old = { ...purchaseEvent('cnv-old'), event_time: Math.floor(Date.now() / 1000) - 8 * 86_400 };
    const result = await send([old]);
    expect(result.outcome).toMatchObject({ kind: 'invalid_data', code: 100, subcode: 2804003 });
    expect(result).toMatchObject({ httpStatus: 400, errorCode: 100, errorSubcode: 2804003 });
  });

  it('rejects 1001 events in one request as invalid_data', async () => {
    const event = purchaseEvent('cnv-many');
    const result = await send(Array.from({ length: 1001 }, (_, i) => ({ ...event, event_id: `cnv-many-${i}` })));
    expect(result.outcome).toMatchObject({ kind: 'invalid_data', code: 100 });
    expect(sandbox.recorder.stats()).toMatchObject({ accepted: 0, rejected: 1 });
  });

  it('accepts exactly 1000 events', async () => {
    const event = purchaseEvent('cnv-max');
    const result = await send(Array.from({ length: 1000 }, (_, i) => ({ ...event, event_id: `cnv-max-${i}` })));
    expect(result.outcome).toMatchObject({ kind: 'ok', eventsReceived: 1000 });
  });

  it('reports a closed port as a retryable network error', async () => {
    const closed = await startMetaSandbox();
    const url = closed.url;
    await closed.close();
    const result = await sendEvents({ graphUrl: url, apiVersion: 'v24.0', pixelId: PIXEL, accessToken: TOKEN, events: [purchaseEvent('x')], timeoutMs: 1_000 });
    expect(result.outcome).toMatchObject({ kind: 'retry', reason: expect.stringContaining('could not reach Meta') });
    expect(result.httpStatus).toBeNull();
  });
});

describe('Meta sandbox control endpoints over HTTP', () => {
  it('serves events and stats to another process', async () => {
    await send([purchaseEvent('cnv-ctl')]);
    const events = (await (await fetch(`${sandbox.url}/_sandbox/events?event_id=cnv-ctl&pixel_id=${PIXEL}`)).json()) as unknown[];
    expect(events).toHaveLength(1);
    const stats = await (await fetch(`${sandbox.url}/_sandbox/stats`)).json();
    expect(stats).toMatchObject({ requests: 1, accepted: 1 });
    const faults = await fetch(`${sandbox.url}/_sandbox/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ rate: 1, modes: ['5xx'], seed: 5 }),
    });
    expect(faults.status).toBe(200);
    expect((await send([purchaseEvent('cnv-ctl-2')])).outcome.kind).toBe('retry');
    expect((await fetch(`${sandbox.url}/_sandbox/events`, { method: 'DELETE' })).status).toBe(204);
    expect(sandbox.recorder.events()).toEqual([]);
  });

  it('closes promptly even with a request hanging', async () => {
    const other = await startMetaSandbox({ hangMs: 60_000, faults: { rate: 1, modes: ['timeout'] } });
    const pending = sendEvents({ graphUrl: other.url, apiVersion: 'v24.0', pixelId: PIXEL, accessToken: TOKEN, events: [purchaseEvent('h')], timeoutMs: 10_000 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();
    await other.close();
    expect(Date.now() - started).toBeLessThan(2_000);
    expect((await pending).outcome.kind).toBe('retry');
  });
});
