// Guards issue 14's promise: every paid first payment reaches Meta as a Purchase on every gateway
// (Stripe's subscription start included), the kinds the default mapping turns off reach Meta as
// nothing — and as the seller chose once the mapping changes, for new conversions and, through a
// replay, for past ones; each conversion's story says why. Driven by the gateways' published example
// payloads (src/domain/gateways/*/fixtures), their dates moved to now so Meta's 7 days hold.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer } from '../support/app.ts';
import { gatewayFixture, signedHotmart, signedKiwify, signedStripe, type SignedDelivery } from '../support/signed-webhooks.ts';
import { PIXEL_ID, SECRETS, startPipeline, type Pipeline } from './pipeline-harness.ts';

type Gateway = 'hotmart' | 'kiwify' | 'stripe';

/** The fixture with every timestamp moved to a minute ago (epoch ms, epoch s, Kiwify's local time, ISO). */
function fresh(value: unknown, now = Date.now()): unknown {
  if (Array.isArray(value)) return value.map((v) => fresh(v, now));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fresh(v, now)]));
  if (typeof value === 'number' && value > 1e12 && value < 2e12) return now - 60_000;
  if (typeof value === 'number' && value > 1e9 && value < 2e9) return Math.floor(now / 1000) - 60;
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/.test(value)) {
    // Kiwify's "YYYY-MM-DD HH:mm" is São Paulo time (UTC-3).
    return new Date(now - 60_000 - 3 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
  }
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(value)) return new Date(now - 60_000).toISOString();
  return value;
}

function signed(p: Pipeline, gateway: Gateway, body: unknown): SignedDelivery {
  if (gateway === 'hotmart') return signedHotmart(p.tenant.id, SECRETS.hottok, body);
  if (gateway === 'kiwify') return signedKiwify(p.tenant.id, SECRETS.kiwify, body);
  return signedStripe(p.tenant.id, SECRETS.stripe, body);
}

async function deliver(p: Pipeline, gateway: Gateway, fixture: string, edit: (body: Record<string, unknown>) => void = () => {}): Promise<string> {
  const body = fresh(gatewayFixture(gateway, fixture)) as Record<string, unknown>;
  edit(body);
  const d = signed(p, gateway, body);
  const res = await p.app.inject({ method: 'POST', url: d.url, headers: d.headers, payload: d.body });
  expect(res.statusCode, `${gateway} ${fixture}: ${res.body}`).toBe(200);
  return res.json().id as string;
}

/** Every example sale of each gateway, each a distinct transaction. */
const SALES: Array<[Gateway, string, string]> = [
  // [gateway, fixture, what it is]
  ['hotmart', 'purchase-approved', 'one-off purchase (an order bump: its own transaction)'],
  ['hotmart', 'purchase-approved-renewal', 'renewal'],
  ['hotmart', 'purchase-billet-printed', 'pending boleto'],
  ['hotmart', 'purchase-refunded', 'refund'],
  ['hotmart', 'purchase-chargeback', 'chargeback'],
  ['kiwify', 'order-approved', 'one-off purchase'],
  ['kiwify', 'subscription-renewed', 'renewal'],
  ['kiwify', 'pix-created', 'pending PIX'],
  ['kiwify', 'order-refunded', 'refund'],
  ['kiwify', 'chargeback', 'chargeback'],
  ['stripe', 'checkout-session-completed-paid', 'one-off purchase'],
  ['stripe', 'checkout-session-completed-subscription', 'first subscription payment'],
  ['stripe', 'invoice-paid-subscription-create', 'first subscription payment again (same invoice: deduped)'],
  ['stripe', 'invoice-paid-subscription-cycle', 'renewal'],
  ['stripe', 'checkout-session-completed-unpaid', 'pending boleto'],
  ['stripe', 'charge-refunded', 'refund'],
  ['stripe', 'charge-dispute-created', 'chargeback'],
];

function received(p: Pipeline): Array<{ eventName: string; eventId: string | null; value: unknown }> {
  return p.sandbox.recorder
    .events({ pixelId: PIXEL_ID })
    .map((e) => ({ eventName: e.eventName, eventId: e.eventId, value: (e.event.custom_data as { value?: unknown } | undefined)?.value }));
}

const countBy = (xs: Array<{ eventName: string }>) => xs.reduce<Record<string, number>>((acc, x) => ({ ...acc, [x.eventName]: (acc[x.eventName] ?? 0) + 1 }), {});

describe('conversion mapping, end to end', () => {
  let p: Pipeline;
  const ids = new Map<string, string>();

  beforeAll(async () => {
    p = await startPipeline('pglite');
    for (const [gateway, fixture] of SALES) ids.set(`${gateway}/${fixture}`, await deliver(p, gateway, fixture));
    await p.drained();
  }, 120_000);
  afterAll(() => p?.close());

  it('default mapping: one Purchase per paid first payment on every gateway, nothing else', () => {
    const atMeta = received(p);
    // hotmart 1 + kiwify 1 + stripe one-off 1 + stripe subscription start 1 (two deliveries, one invoice).
    expect(countBy(atMeta)).toEqual({ Purchase: 4 });
    expect(new Set(atMeta.map((e) => e.eventId)).size).toBe(atMeta.length);
    for (const e of atMeta) expect(typeof e.value).toBe('number');
  });

  it("each unsent conversion's story says the mapping turned it off", async () => {
    const res = await p.app.inject({ method: 'GET', url: `/api/v1/events/${ids.get('kiwify/order-refunded')}`, headers: bearer(p.tenant.secretKey) });
    const capi = res.json().capiEvents as Array<{ status: string; lastError: string | null; eventName: string }>;
    expect(capi).toEqual([expect.objectContaining({ status: 'skipped', eventName: 'Refund', lastError: expect.stringContaining('conversion mapping sends no Meta event for refund') })]);
    const renewal = await p.app.inject({ method: 'GET', url: `/api/v1/events/${ids.get('stripe/invoice-paid-subscription-cycle')}`, headers: bearer(p.tenant.secretKey) });
    expect(renewal.json().capiEvents[0]).toMatchObject({ status: 'skipped', lastError: expect.stringContaining('subscription_renewed') });
  });

  it('a changed mapping applies to new conversions, and a replay sends past ones Meta still accepts — never a sent one again', async () => {
    const put = await p.app.inject({
      method: 'PUT',
      url: '/api/v1/mapping',
      headers: bearer(p.tenant.secretKey),
      payload: { meta: { subscription_renewed: { event: 'Purchase', value: 'paid' }, refund: { event: 'Refund', value: 'paid' }, pending_payment: { event: 'AddPaymentInfo', value: 'paid' } } },
    });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json().meta.refund).toEqual({ event: 'Refund', value: 'paid' });
    expect(put.json().meta.chargeback).toEqual({ event: null, value: 'paid' });

    // A new renewal (another transaction) goes out under the new rule.
    await deliver(p, 'kiwify', 'subscription-renewed', (b) => {
      b.order_id = 'renewal-after-mapping-change';
      (b.Subscription as { charges?: { completed?: Array<{ order_id: string }> } } | undefined)?.charges?.completed?.forEach((c, i) => (c.order_id = `renewal-after-${i}`));
    });
    await p.drained();
    const beforeReplay = countBy(received(p));
    expect(beforeReplay.Purchase).toBe(5);

    // Replaying every past delivery applies the mapping to those it had left unsent.
    for (const id of ids.values()) {
      const r = await p.app.inject({ method: 'POST', url: `/api/v1/replay/${id}`, headers: bearer(p.tenant.secretKey) });
      expect(r.statusCode).toBe(202);
    }
    await p.drained();
    const after = received(p);
    const byName = countBy(after);
    // 3 renewals as Purchase (hotmart, kiwify, stripe) + the new one + 4 first payments; refunds on 3 gateways;
    // pending on 3 gateways; chargebacks still off.
    expect(byName.Refund).toBe(3);
    expect(byName.AddPaymentInfo).toBe(3);
    expect(byName.Chargeback).toBeUndefined();
    // Sent events replayed go again under the same name and event_id (Meta keeps one); nothing is renamed.
    const names = new Map<string | null, Set<string>>();
    for (const e of after) names.set(e.eventId, (names.get(e.eventId) ?? new Set()).add(e.eventName));
    for (const [eventId, set] of names) expect(set.size, String(eventId)).toBe(1);
    expect([...names.keys()].filter((id) => names.get(id)!.has('Purchase'))).toHaveLength(4 + 1 + 3);
  }, 120_000);

  it('refuses a bad mapping with the field named, and changes nothing', async () => {
    const before = await p.app.inject({ method: 'GET', url: '/api/v1/mapping', headers: bearer(p.tenant.secretKey) });
    for (const [payload, path] of [
      [{ meta: { refunds: { event: 'Refund', value: 'paid' } } }, 'meta.refunds'],
      [{ meta: { refund: { event: 'purchase', value: 'paid' } } }, 'meta.refund.event'],
      [{ meta: { refund: { event: 'x'.repeat(51), value: 'paid' } } }, 'meta.refund.event'],
      [{ meta: { refund: { event: 'Refund', value: 'gross' } } }, 'meta.refund.value'],
      [{ meta: { purchase: { event: 'Purchase', value: 'net' } } }, 'meta.purchase.value'], // Stripe is connected: no net
      [{ meta: { lead: { event: 'Lead', value: 'net' } } }, 'meta.lead.value'],
      [{ tiktok: {} }, 'tiktok'],
      [{ meta: { refund: 'Refund' } }, 'meta.refund'],
      [{ meta: [] }, 'meta'],
    ] as const) {
      const res = await p.app.inject({ method: 'PUT', url: '/api/v1/mapping', headers: bearer(p.tenant.secretKey), payload: payload as unknown as Record<string, unknown> });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().errors.map((e: { path: string }) => e.path)).toContain(path);
    }
    const after = await p.app.inject({ method: 'GET', url: '/api/v1/mapping', headers: bearer(p.tenant.secretKey) });
    expect(after.json()).toEqual(before.json());
  });
});
