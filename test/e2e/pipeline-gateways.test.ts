// Guards the product's core promise end to end, on the real routes, workers and database: a click
// then a purchase from each gateway reaches Meta (the sandbox) exactly once as one Purchase, with the
// buyer's hashed identifiers, the click's fbc, the exact value and currency, and its story recorded.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS } from '../support/databases.ts';
import { bearer } from '../support/app.ts';
import { normalizeEmail, normalizePhone, sha256Hex } from '../../src/domain/identity/index.ts';
import type { BenchGateway } from '../../bench/match/gateway-bodies.ts';
import { PIXEL_ID, sale, startPipeline, waitFor, type Pipeline } from './pipeline-harness.ts';

describe.each(STORE_KINDS)('pipeline on %s: click → gateway purchase → Meta', (kind) => {
  let p: Pipeline;
  beforeAll(async () => {
    // A generous Meta timeout: here the sandbox shares its event loop with the store (PGlite is
    // in-process), and on a loaded machine a 1.5 s timeout made a slow answer look like a failed attempt.
    p = await startPipeline(kind, { requestTimeoutMs: 15_000 });
  });
  afterAll(async () => {
    await p?.close();
  });

  const story = async (id: string) =>
    (await p.app.inject({ method: 'GET', url: `/api/v1/events/${id}`, headers: bearer(p.tenant.secretKey) })).json();

  it.each<[BenchGateway, number]>([
    ['hotmart', 1],
    ['kiwify', 2],
    ['stripe', 3],
    ['eduzz', 4],
  ])('%s: exactly one Purchase with hashed buyer, fbc, value and currency', async (gateway, n) => {
    const fbclid = `IwAR${gateway}Click${n}xYz`;
    const click = await p.click(fbclid);
    expect(click.fbc).toMatch(new RegExp(`^fb\\.1\\.\\d{13}\\.${fbclid}$`));
    const facts = sale(gateway, n, gateway === 'stripe' ? click.clientReferenceId : click.sck);
    const webhookId = await p.deliver(gateway, facts);

    const told = await waitFor('the Purchase to be sent', async () => {
      const s = await story(webhookId);
      return s.capiEvents?.[0]?.status === 'sent' && s;
    });
    expect(told.status).toBe('dispatched');
    expect(told.conversions[0].match).toMatchObject({ method: 'passthrough', sessionId: click.sessionId });
    const capi = told.capiEvents[0];
    expect(capi.eventName).toBe('Purchase');
    expect(capi.dispatchAttempts).toEqual([
      expect.objectContaining({ outcome: 'ok', httpStatus: 200, eventsReceived: expect.any(Number), fbtraceId: expect.any(String) }),
    ]);

    const atMeta = p.sandbox.recorder.events({ eventId: capi.eventId });
    expect(atMeta).toHaveLength(1);
    const [received] = atMeta;
    expect(received).toMatchObject({ pixelId: PIXEL_ID, eventName: 'Purchase', testEventCode: null }); // the connection's test code goes on test events only
    const event = received!.event as { user_data: Record<string, unknown>; custom_data: Record<string, unknown>; action_source: string; event_time: number };
    expect(event.user_data.em).toEqual([sha256Hex(normalizeEmail(facts.email!)!)]);
    expect(event.user_data.ph).toEqual([sha256Hex(normalizePhone('11999998888', 'BR')!)]);
    expect(event.user_data.fbc).toBe(click.fbc);
    expect(event.user_data.client_user_agent).toMatch(/iPhone/);
    for (const key of ['fn', 'ln', 'ct', 'zp', 'country']) {
      if (!(key in event.user_data)) continue;
      expect([key, event.user_data[key]]).toEqual([key, [expect.stringMatching(/^[0-9a-f]{64}$/)]]);
    }
    expect(Object.keys(event.user_data).filter((k) => ['fn', 'ln', 'ct', 'zp', 'country'].includes(k)).length).toBeGreaterThanOrEqual(3);
    expect(event.custom_data).toMatchObject({ value: 197, currency: 'BRL' });
    expect(Math.abs(event.event_time - Math.floor(facts.occurredAt.getTime() / 1000))).toBeLessThanOrEqual(60);

    // The same delivery again, and the gateway's next event for the same sale: still one at Meta.
    await p.deliver(gateway, facts);
    await p.deliver(gateway, { ...facts, deliveryId: `${facts.deliveryId}-again` });
    await p.drained();
    expect(p.sandbox.recorder.events({ eventId: capi.eventId })).toHaveLength(1);
  });

  it('sent nothing twice across the whole run', () => {
    expect(p.sandbox.recorder.stats().duplicates).toBe(0);
  });
});
