// Guards GET /api/v1/reconciliation against a truth built by hand: sales of two gateways over two days,
// in two currencies, in every state a sale can be in at Meta (accepted, waiting, failed, not sent for
// each reason, no CAPI event), with refunds, a pending payment and unread webhooks around them. Every
// figure must equal that truth exactly; other tenants' sales never count; bad input names its field.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, buildTestApp, createTenantViaApi, type TestApp } from '../../../../test/support/app.ts';
import { STORE_KINDS } from '../../../../test/support/databases.ts';
import { newId } from '../../../lib/ids.ts';
import type { CapiEventStatus, MatchMethod } from '../../../store/database.ts';

type Tenant = Awaited<ReturnType<typeof createTenantViaApi>>;

const ALL_IDS = { em: ['e'.repeat(64)], ph: ['f'.repeat(64)], fbc: 'fb.1.1764201600000.IwAR1', fbp: 'fb.1.1764201600000.123', client_ip_address: '177.10.20.30', client_user_agent: 'Mozilla/5.0' };
const TOO_OLD = 'not sendable to Meta: the event happened 8 days 2 h ago by the time it could be sent; Meta accepts events up to 7 days old';
const NO_CUSTOMER = 'not sendable to Meta: no usable customer information: Meta needs at least an e-mail, phone, external id, fbc/fbp or IP address with user agent';
const MAPPING_OFF = 'not sent: the conversion mapping sends no Meta event for subscription_renewed (change it with PUT /api/v1/mapping, then replay)';

interface Sale {
  gateway: string;
  kind: string;
  at: string;
  value: string | null;
  currency: string | null;
  /** The CAPI event's status; undefined: none recorded. */
  capi?: CapiEventStatus;
  lastError?: string;
  userData?: Record<string, unknown>;
  metaValue?: number;
  match?: { method: MatchMethod; click?: boolean };
}

/** Tenant A's facts. Range 2026-11-27 – 2026-11-29 (UTC); the comment says where each one counts. */
const SALES: Sale[] = [
  // 27th, hotmart
  { gateway: 'hotmart', kind: 'purchase', at: '2026-11-27T10:15:00Z', value: '197.00', currency: 'BRL', capi: 'sent', userData: ALL_IDS, metaValue: 197, match: { method: 'passthrough', click: true } },
  { gateway: 'hotmart', kind: 'subscription_started', at: '2026-11-27T10:45:00Z', value: '97.00', currency: 'BRL', capi: 'sent', userData: { em: ALL_IDS.em, ph: ALL_IDS.ph, client_ip_address: '177.1.2.3' }, metaValue: 85.5, match: { method: 'identity' } },
  { gateway: 'hotmart', kind: 'purchase', at: '2026-11-27T12:00:00Z', value: '50.00', currency: 'USD', capi: 'not_sendable', lastError: TOO_OLD, match: { method: 'unmatched' } },
  { gateway: 'hotmart', kind: 'subscription_renewed', at: '2026-11-27T13:00:00Z', value: '97.00', currency: 'BRL', capi: 'skipped', lastError: MAPPING_OFF, match: { method: 'unmatched' } },
  { gateway: 'hotmart', kind: 'refund', at: '2026-11-27T14:00:00Z', value: '197.00', currency: 'BRL', capi: 'skipped', lastError: 'not sent: the conversion mapping sends no Meta event for refund' },
  { gateway: 'hotmart', kind: 'pending', at: '2026-11-27T15:00:00Z', value: '197.00', currency: 'BRL', capi: 'skipped', lastError: 'not sent: the conversion mapping sends no Meta event for pending_payment' },
  // 27th, stripe
  { gateway: 'stripe', kind: 'purchase', at: '2026-11-27T18:30:00Z', value: '49.90', currency: 'USD', capi: 'waiting', match: { method: 'passthrough', click: true } },
  { gateway: 'stripe', kind: 'purchase', at: '2026-11-27T18:40:00Z', value: '10.10', currency: 'USD', capi: 'pending', match: { method: 'fingerprint' } },
  // 28th, hotmart (the first one is still the 27th in São Paulo: 23:00 there)
  { gateway: 'hotmart', kind: 'purchase', at: '2026-11-28T02:00:00Z', value: '300.00', currency: 'BRL', capi: 'failed', lastError: 'Meta refused it: (#100) Invalid parameter', match: { method: 'unmatched' } },
  { gateway: 'hotmart', kind: 'purchase', at: '2026-11-28T09:00:00Z', value: '1.00', currency: 'BRL', capi: 'not_sendable', lastError: NO_CUSTOMER, match: { method: 'unmatched' } },
  { gateway: 'hotmart', kind: 'purchase', at: '2026-11-28T09:30:00Z', value: null, currency: null, match: { method: 'unmatched' } },
  // 28th, stripe
  { gateway: 'stripe', kind: 'purchase', at: '2026-11-28T11:00:00Z', value: '20.00', currency: 'USD', capi: 'sent', userData: { em: ALL_IDS.em, fbp: ALL_IDS.fbp, ph: [] }, metaValue: 20 },
  { gateway: 'stripe', kind: 'purchase', at: '2026-11-28T11:05:00Z', value: '30.00', currency: 'BRL', capi: 'sent', userData: ALL_IDS, metaValue: 30, match: { method: 'passthrough', click: true } },
  { gateway: 'stripe', kind: 'chargeback', at: '2026-11-28T12:00:00Z', value: '49.90', currency: 'USD', capi: 'skipped', lastError: 'not sent: the conversion mapping sends no Meta event for chargeback' },
  // Outside the UTC range (inside the São Paulo one for the first)
  { gateway: 'hotmart', kind: 'purchase', at: '2026-11-29T00:00:00Z', value: '999.00', currency: 'BRL', capi: 'sent', userData: ALL_IDS, metaValue: 999, match: { method: 'passthrough', click: true } },
  { gateway: 'hotmart', kind: 'purchase', at: '2026-11-26T23:59:59Z', value: '888.00', currency: 'BRL', capi: 'sent', userData: ALL_IDS, metaValue: 888 },
];

const figure = (count: number, value: Record<string, string> = {}) => ({ count, value });
const share = (count: number, base: number) => ({ count, rate: base === 0 ? null : Math.round((count / base) * 10_000) / 10_000 });
const noReasons = { mappingOff: figure(0), tooOld: figure(0), invalidData: figure(0), noCapiEvent: figure(0), other: figure(0) };

describe.each(STORE_KINDS)('GET /api/v1/reconciliation on %s', (kind) => {
  let t: TestApp;
  let a: Tenant;
  let b: Tenant;

  const insertSale = async (tenantId: string, s: Sale, n: number) => {
    const db = t.store.db;
    const conversionId = newId('cnv');
    const eventId = newId('evt');
    await db
      .insertInto('conversions')
      .values({ tenant_id: tenantId, id: conversionId, event_id: eventId, gateway: s.gateway, transaction_id: `tx-${n}`, kind: s.kind, value: s.value, currency: s.currency, occurred_at: s.at })
      .execute();
    if (s.match) {
      await db
        .insertInto('matches')
        .values({ tenant_id: tenantId, conversion_id: conversionId, method: s.match.method, confidence: 0.9, click_id: s.match.click ? newId('clk') : null, evidence: '{}' })
        .execute();
    }
    if (s.capi) {
      const payload = s.userData
        ? { event_name: 'Purchase', event_time: Math.floor(Date.parse(s.at) / 1000), user_data: s.userData, custom_data: { value: s.metaValue, currency: s.currency } }
        : {};
      await db
        .insertInto('capi_events')
        .values({ tenant_id: tenantId, id: newId('cap'), event_id: `${s.kind}.${tenantId}.${n}`, conversion_id: conversionId, source_event_id: eventId, event_name: 'Purchase', status: s.capi, payload: JSON.stringify(payload), last_error: s.lastError ?? null })
        .execute();
    }
  };

  const webhook = (tenantId: string, gateway: string, status: 'received' | 'unprocessable' | 'processed', at: string) =>
    t.store.db
      .insertInto('events')
      .values({ id: newId('evt'), tenant_id: tenantId, type: 'webhook', gateway, delivery_key: newId('evt'), status, flags: [], occurred_at: at, payload: null, raw_body: null, raw_headers: null, evidence_ref: null, client_ip: null, user_agent: null, error: null })
      .execute();

  const reconcile = (tenant: Tenant, query: string) => t.app.inject({ url: `/api/v1/reconciliation?${query}`, headers: bearer(tenant.secretKey) });

  beforeAll(async () => {
    t = await buildTestApp({ kind });
    a = await createTenantViaApi(t.app, 'Recon A');
    b = await createTenantViaApi(t.app, 'Recon B');
    let n = 0;
    for (const s of SALES) await insertSale(a.id, s, n++);
    // Tenant B sells on the same days through the same gateways: none of it may reach A's figures.
    await insertSale(b.id, { gateway: 'hotmart', kind: 'purchase', at: '2026-11-27T10:00:00Z', value: '555.00', currency: 'BRL', capi: 'failed', match: { method: 'passthrough', click: true } }, n++);
    await insertSale(b.id, { gateway: 'kiwify', kind: 'purchase', at: '2026-11-28T10:00:00Z', value: '5.00', currency: 'EUR', capi: 'sent', userData: ALL_IDS, metaValue: 5 }, n++);
    await webhook(b.id, 'hotmart', 'received', '2026-11-27T10:00:00Z');
    // A's webhooks not turned into sales: one unprocessable from kiwify (a gateway with no sale), one unread.
    await webhook(a.id, 'kiwify', 'unprocessable', '2026-11-27T08:00:00Z');
    await webhook(a.id, 'hotmart', 'received', '2026-11-28T16:00:00Z');
    await webhook(a.id, 'hotmart', 'processed', '2026-11-28T16:00:00Z');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('equals the truth per gateway and day, exactly, values per currency as decimal strings', async () => {
    const res = await reconcile(a, 'from=2026-11-27T00:00:00Z&to=2026-11-29T00:00:00Z');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ from: '2026-11-27T00:00:00.000Z', to: '2026-11-29T00:00:00.000Z', granularity: 'day', timezone: 'UTC' });
    expect(body.data.map((r: { periodStart: string; gateway: string }) => `${r.periodStart.slice(0, 10)} ${r.gateway}`)).toEqual([
      '2026-11-27 hotmart',
      '2026-11-27 kiwify',
      '2026-11-27 stripe',
      '2026-11-28 hotmart',
      '2026-11-28 stripe',
    ]);
    const [hotmart27, kiwify27, stripe27, hotmart28, stripe28] = body.data;

    expect(hotmart27).toEqual({
      periodStart: '2026-11-27T00:00:00.000Z',
      periodEnd: '2026-11-28T00:00:00.000Z',
      gateway: 'hotmart',
      // purchase 197 + subscription_started 97 + renewal 97 (BRL), purchase 50 (USD); not the refund or the pending payment
      received: figure(4, { BRL: '391.00', USD: '50.00' }),
      sent: { ...figure(2, { BRL: '294.00' }), valueAtMeta: { BRL: '282.5' } },
      notSent: {
        ...figure(2, { BRL: '97.00', USD: '50.00' }),
        byReason: { ...noReasons, mappingOff: figure(1, { BRL: '97.00' }), tooOld: figure(1, { USD: '50.00' }) },
      },
      waiting: figure(0),
      failed: figure(0),
      matched: { count: 2, rate: 0.5, withClick: share(1, 4) },
      identifiers: { base: 2, em: share(2, 2), ph: share(2, 2), fbc: share(1, 2), fbp: share(1, 2), clientIpAddress: share(2, 2), clientUserAgent: share(1, 2) },
      refunds: figure(1, { BRL: '197.00' }),
      chargebacks: figure(0),
      webhooks: { unread: 0, unprocessable: 0 },
    });
    expect(kiwify27).toMatchObject({ gateway: 'kiwify', received: figure(0), webhooks: { unread: 0, unprocessable: 1 }, matched: { count: 0, rate: null } });
    expect(stripe27).toMatchObject({
      received: figure(2, { USD: '60.00' }),
      sent: figure(0),
      waiting: figure(2, { USD: '60.00' }),
      matched: { count: 2, rate: 1, withClick: share(1, 2) },
      identifiers: { base: 0, em: { count: 0, rate: null } },
    });
    expect(hotmart28).toMatchObject({
      // 300 + 1 (BRL), and a sale with no amount or currency (XXX, worth 0) that has no CAPI event
      received: figure(3, { BRL: '301.00', XXX: '0' }),
      sent: figure(0),
      failed: figure(1, { BRL: '300.00' }),
      notSent: { ...figure(2, { BRL: '1.00', XXX: '0' }), byReason: { ...noReasons, invalidData: figure(1, { BRL: '1.00' }), noCapiEvent: figure(1, { XXX: '0' }) } },
      matched: { count: 0, rate: 0, withClick: share(0, 3) },
      webhooks: { unread: 1, unprocessable: 0 },
    });
    expect(stripe28).toMatchObject({
      received: figure(2, { BRL: '30.00', USD: '20.00' }),
      sent: { ...figure(2, { BRL: '30.00', USD: '20.00' }), valueAtMeta: { BRL: '30', USD: '20' } },
      notSent: figure(0),
      // one sale has no match row at all: not matched
      matched: { count: 1, rate: 0.5, withClick: share(1, 2) },
      // the second event's ph is an empty list: not carried
      identifiers: { base: 2, em: share(2, 2), ph: share(1, 2), fbc: share(1, 2), fbp: share(2, 2), clientIpAddress: share(1, 2), clientUserAgent: share(1, 2) },
      chargebacks: figure(1, { USD: '49.90' }),
    });

    // Every paid sale is in exactly one place.
    for (const row of [...body.data, ...body.gateways, body.total]) {
      expect(row.sent.count + row.notSent.count + row.waiting.count + row.failed.count).toBe(row.received.count);
      const reasons = Object.values(row.notSent.byReason as Record<string, { count: number }>).reduce((sum, r) => sum + r.count, 0);
      expect(reasons).toBe(row.notSent.count);
    }
  });

  it('totals each gateway and everything over the range, from the same facts', async () => {
    const body = (await reconcile(a, 'from=2026-11-27T00:00:00Z&to=2026-11-29T00:00:00Z')).json();
    expect(body.gateways.map((g: { gateway: string }) => g.gateway)).toEqual(['hotmart', 'kiwify', 'stripe']);
    expect(body.gateways[0]).toMatchObject({
      gateway: 'hotmart',
      received: figure(7, { BRL: '692.00', USD: '50.00', XXX: '0' }),
      sent: figure(2, { BRL: '294.00' }),
      notSent: figure(4, { BRL: '98.00', USD: '50.00', XXX: '0' }),
      failed: figure(1, { BRL: '300.00' }),
      webhooks: { unread: 1, unprocessable: 0 },
    });
    expect(body.total).toMatchObject({
      received: figure(11, { BRL: '722.00', USD: '130.00', XXX: '0' }),
      sent: { ...figure(4, { BRL: '324.00', USD: '20.00' }), valueAtMeta: { BRL: '312.5', USD: '20' } },
      notSent: {
        ...figure(4, { BRL: '98.00', USD: '50.00', XXX: '0' }),
        byReason: {
          mappingOff: figure(1, { BRL: '97.00' }),
          tooOld: figure(1, { USD: '50.00' }),
          invalidData: figure(1, { BRL: '1.00' }),
          noCapiEvent: figure(1, { XXX: '0' }),
          other: figure(0),
        },
      },
      waiting: figure(2, { USD: '60.00' }),
      failed: figure(1, { BRL: '300.00' }),
      matched: { count: 5, rate: 0.4545, withClick: share(3, 11) },
      identifiers: { base: 4, em: share(4, 4), ph: share(3, 4), fbc: share(2, 4), fbp: share(3, 4), clientIpAddress: share(3, 4), clientUserAgent: share(2, 4) },
      refunds: figure(1, { BRL: '197.00' }),
      chargebacks: figure(1, { USD: '49.90' }),
      webhooks: { unread: 1, unprocessable: 1 },
    });
  });

  it('cuts days in the time zone asked for, taking dates as its midnights', async () => {
    const res = await reconcile(a, 'from=2026-11-27&to=2026-11-29&timezone=America/Sao_Paulo');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ from: '2026-11-27T03:00:00.000Z', to: '2026-11-29T03:00:00.000Z', timezone: 'America/Sao_Paulo' });
    const hotmart = body.data.filter((r: { gateway: string }) => r.gateway === 'hotmart');
    expect(hotmart.map((r: { periodStart: string; periodEnd: string }) => [r.periodStart, r.periodEnd])).toEqual([
      ['2026-11-27T03:00:00.000Z', '2026-11-28T03:00:00.000Z'],
      ['2026-11-28T03:00:00.000Z', '2026-11-29T03:00:00.000Z'],
    ]);
    // The 300.00 sale at 02:00 UTC is the 27th's in São Paulo; the 999.00 one at midnight UTC is the 28th's.
    expect(hotmart[0]).toMatchObject({ received: figure(5, { BRL: '691.00', USD: '50.00' }), failed: figure(1, { BRL: '300.00' }) });
    expect(hotmart[1]).toMatchObject({ received: figure(3, { BRL: '1000.00', XXX: '0' }), sent: figure(1, { BRL: '999.00' }) });
  });

  it('reports by hour', async () => {
    const body = (await reconcile(a, 'from=2026-11-27T10:00:00Z&to=2026-11-27T19:00:00Z&granularity=hour&gateway=hotmart')).json();
    expect(body.granularity).toBe('hour');
    expect(body.data.map((r: { periodStart: string; received: { count: number } }) => [r.periodStart.slice(11, 16), r.received.count])).toEqual([
      ['10:00', 2],
      ['12:00', 1],
      ['13:00', 1],
      ['14:00', 0], // the refund's hour: refunds are not sales, but they show
    ]);
    expect(body.data[0]).toMatchObject({ periodEnd: '2026-11-27T11:00:00.000Z', received: figure(2, { BRL: '294.00' }) });
    expect(body.gateways.map((g: { gateway: string }) => g.gateway)).toEqual(['hotmart']);
  });

  it("never counts another tenant's sales or webhooks", async () => {
    const body = (await reconcile(b, 'from=2026-11-27T00:00:00Z&to=2026-11-29T00:00:00Z')).json();
    expect(body.total).toMatchObject({
      received: figure(2, { BRL: '555.00', EUR: '5.00' }),
      sent: figure(1, { EUR: '5.00' }),
      failed: figure(1, { BRL: '555.00' }),
      refunds: figure(0),
      webhooks: { unread: 1, unprocessable: 0 },
    });
    expect(body.gateways.map((g: { gateway: string }) => g.gateway)).toEqual(['hotmart', 'kiwify']);
  });

  it('answers an empty range with zeros', async () => {
    const body = (await reconcile(a, 'from=2025-01-01T00:00:00Z&to=2025-01-02T00:00:00Z')).json();
    expect(body.data).toEqual([]);
    expect(body.gateways).toEqual([]);
    expect(body.total).toMatchObject({ received: figure(0), sent: { count: 0, value: {}, valueAtMeta: {} }, matched: { count: 0, rate: null } });
  });

  it.each([
    ['from=2026-11-29T00:00:00Z&to=2026-11-27T00:00:00Z', 'to'],
    ['from=2026-11-27T00:00:00Z&to=2026-11-27T00:00:00Z', 'to'],
    ['from=2026-01-01T00:00:00Z&to=2026-03-01T00:00:00Z&granularity=hour', 'to'],
    ['from=2024-01-01&to=2026-01-01', 'to'],
    ['from=2026-11-27T00:00:00Z&to=2026-11-28T00:00:00Z&granularity=week', 'granularity'],
    ['from=yesterday&to=2026-11-28T00:00:00Z', 'from'],
    ['from=2026-11-27T00:00:00Z&to=2026-02-30', 'to'],
    ['from=2026-11-27T25:00:00Z&to=2026-11-28T00:00:00Z', 'from'],
    ['to=2026-11-28T00:00:00Z', 'from'],
    ['from=2026-11-27T00:00:00Z&to=2026-11-28T00:00:00Z&timezone=Mars/Olympus', 'timezone'],
    ['from=2026-11-27T00:00:00Z&to=2026-11-28T00:00:00Z&timezone=UTC-3', 'timezone'],
    ['from=2026-11-27T00:00:00Z&to=2026-11-28T00:00:00Z&gateway=paypal', 'gateway'],
  ])('refuses %s naming %s', async (query, field) => {
    const res = await reconcile(a, query);
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ type: 'https://hub.dev/problems/validation-error', errors: [expect.objectContaining({ path: field })] });
  });

  it('allows the longest ranges: 31 days by hour, 366 by day', async () => {
    expect((await reconcile(a, 'from=2026-10-01T00:00:00Z&to=2026-11-01T00:00:00Z&granularity=hour')).statusCode).toBe(200);
    expect((await reconcile(a, 'from=2025-11-29&to=2026-11-30&timezone=America/Sao_Paulo')).statusCode).toBe(200);
  });

  it('says what is wrong in the caller language', async () => {
    const res = await t.app.inject({
      url: '/api/v1/reconciliation?from=2026-01-01T00:00:00Z&to=2026-03-01T00:00:00Z&granularity=hour',
      headers: { ...bearer(a.secretKey), 'accept-language': 'pt-BR' },
    });
    expect(res.json().detail).toBe('Por hora, uma conciliação cobre no máximo 31 dias; este intervalo tem 59 dias. Peça por dia, ou divida o intervalo.');
  });

  it('requires the secret key', async () => {
    expect((await t.app.inject({ url: '/api/v1/reconciliation?from=2026-11-27&to=2026-11-28' })).statusCode).toBe(401);
  });
});
