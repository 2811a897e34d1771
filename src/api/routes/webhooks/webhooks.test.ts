// Guards the purchase half's front door: deliveries authenticated on raw bytes per tenant secret,
// durable before 200, duplicates answered as duplicates, bad signatures leaving only a rejection
// record, signed-but-odd payloads kept raw for operators, and no 5xx for any input.
import fc from 'fast-check';
import { SelectQueryNode, type KyselyPlugin } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, buildTestApp, createTenantViaApi, type TestApp } from '../../../../test/support/app.ts';
import { STORE_KINDS } from '../../../../test/support/databases.ts';
import { gatewayFixture, signedHotmart, signedKiwify, signedStripe, type SignedDelivery } from '../../../../test/support/signed-webhooks.ts';

const HOTTOK = 'hottok-of-tenant-a-123456';
const KIWIFY_TOKEN = 'kiwify-token-a-98765';
const STRIPE_OLD = 'whsec_old_rotation_secret_1';
const STRIPE_NEW = 'whsec_new_rotation_secret_2';

describe.each(STORE_KINDS)('webhooks on %s', (kind) => {
  let t: TestApp;
  let a: Awaited<ReturnType<typeof createTenantViaApi>>;
  let unconnected: Awaited<ReturnType<typeof createTenantViaApi>>;

  const send = (d: SignedDelivery, extraHeaders: Record<string, string> = {}) =>
    t.app.inject({ method: 'POST', url: d.url, headers: { ...d.headers, ...extraHeaders }, payload: d.body });
  const countEvents = async (tenantId: string) =>
    (await t.store.db.selectFrom('events').select('id').where('tenant_id', '=', tenantId).where('type', '=', 'webhook').execute()).length;

  beforeAll(async () => {
    t = await buildTestApp({ kind });
    a = await createTenantViaApi(t.app, 'Webhooks A');
    unconnected = await createTenantViaApi(t.app, 'No gateways');
    const put = (gw: string, payload: object) =>
      t.app.inject({ method: 'PUT', url: `/api/v1/connections/${gw}`, headers: bearer(a.secretKey), payload });
    await put('hotmart', { hottok: HOTTOK });
    await put('kiwify', { token: KIWIFY_TOKEN });
    await put('stripe', { webhookSecret: [STRIPE_OLD, STRIPE_NEW] });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('accepts a Hotmart postback, keeps the exact bytes without the hottok, and enqueues it once', async () => {
    const d = signedHotmart(a.id, HOTTOK, gatewayFixture('hotmart', 'purchase-approved'));
    const res = await send(d);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ received: true, duplicate: false });
    const row = await t.store.db.selectFrom('events').selectAll().where('id', '=', body.id).executeTakeFirstOrThrow();
    expect(Buffer.from(row.raw_body!).toString('utf8')).toBe(d.body);
    expect(JSON.stringify(row.raw_headers)).not.toContain(HOTTOK);
    expect(row.status).toBe('received');
    const again = await send(d);
    expect(again.json()).toEqual({ received: true, id: body.id, duplicate: true });
    const jobs = await t.store.db.selectFrom('jobs').select('payload').where('tenant_id', '=', a.id).execute();
    expect(jobs.filter((j) => (j.payload as { eventId: string }).eventId === body.id)).toHaveLength(1);
  });

  it('accepts an old-style Hotmart body carrying the hottok, and keeps evidence without it', async () => {
    const payload = { ...gatewayFixture('hotmart', 'purchase-approved'), id: 'hottok-in-body-1', hottok: HOTTOK };
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/webhooks/hotmart?tenant=${a.id}`,
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify(payload),
    });
    expect(res.statusCode).toBe(200);
    const row = await t.store.db.selectFrom('events').selectAll().where('id', '=', res.json().id).executeTakeFirstOrThrow();
    expect(Buffer.from(row.raw_body!).toString()).not.toContain(HOTTOK);
  });

  it('20 concurrent copies of one delivery store one event', async () => {
    const d = signedHotmart(a.id, HOTTOK, { ...gatewayFixture('hotmart', 'purchase-complete'), id: 'concurrent-delivery-1' });
    const results = await Promise.all(Array.from({ length: 20 }, () => send(d)));
    expect(results.every((r) => r.statusCode === 200)).toBe(true);
    const ids = new Set(results.map((r) => r.json().id));
    expect(ids.size).toBe(1);
    expect(results.filter((r) => r.json().duplicate === false)).toHaveLength(1);
  });

  it('verifies Kiwify signatures in the query string and Stripe signatures with rotation', async () => {
    const kiwify = signedKiwify(a.id, KIWIFY_TOKEN, gatewayFixture('kiwify', 'order-approved'));
    expect((await send(kiwify)).statusCode).toBe(200);
    const tampered = { ...kiwify, body: kiwify.body.replace('paid', 'waiting_payment') };
    expect((await send(tampered)).statusCode).toBe(401);
    const stripeOld = signedStripe(a.id, STRIPE_OLD, gatewayFixture('stripe', 'payment-intent-succeeded'));
    expect((await send(stripeOld)).statusCode).toBe(200);
    const stripeNew = signedStripe(a.id, STRIPE_NEW, gatewayFixture('stripe', 'charge-refunded'));
    expect((await send(stripeNew)).statusCode).toBe(200);
    const stale = signedStripe(a.id, STRIPE_NEW, gatewayFixture('stripe', 'charge-dispute-created'), Math.floor(Date.now() / 1000) - 3600);
    expect((await send(stale)).statusCode).toBe(401);
  });

  it('rejects a bad signature with 401 and keeps only a rejection record, never the body', async () => {
    const before = await countEvents(a.id);
    const d = signedHotmart(a.id, 'wrong-hottok', { ...gatewayFixture('hotmart', 'purchase-approved'), id: 'forged' });
    // Rejections are counted in memory and written in batches: a second app on the same database
    // receives this one, and its close writes the count.
    const other = await buildTestApp({ store: t.store });
    const res = await other.app.inject({ method: 'POST', url: d.url, headers: { ...d.headers, 'x-forwarded-for': '1.2.3.4' }, payload: d.body });
    await other.close();
    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json().type).toBe('https://hub.dev/problems/invalid-signature');
    expect(await countEvents(a.id)).toBe(before);
    const rejections = await t.store.db.selectFrom('webhook_rejections').selectAll().where('tenant_id', '=', a.id).execute();
    const last = rejections.at(-1)!;
    expect(last).toMatchObject({ gateway: 'hotmart', tenant_id: a.id, count: 1 });
    expect(last.reason).toContain('bad_signature');
    expect(JSON.stringify(rejections)).not.toContain('forged');
  });

  it('answers unknown tenants and unconnected gateways alike with 401', async () => {
    const unknown = await send(signedHotmart(`ten_${'0'.repeat(32)}`, HOTTOK, gatewayFixture('hotmart', 'purchase-approved')));
    const notConnected = await send(signedHotmart(unconnected.id, HOTTOK, gatewayFixture('hotmart', 'purchase-approved')));
    const noTenant = await t.app.inject({ method: 'POST', url: '/api/v1/webhooks/hotmart', headers: { 'content-type': 'application/json' }, payload: '{}' });
    expect([unknown.statusCode, notConnected.statusCode, noTenant.statusCode]).toEqual([401, 401, 401]);
    expect(unknown.json().detail).toBe(notConnected.json().detail);
    expect((await t.app.inject({ method: 'POST', url: `/api/v1/webhooks/paypal?tenant=${a.id}`, payload: '{}' })).statusCode).toBe(404);
  });

  it('keeps a signed but not understood payload raw, flagged unprocessable, and answers 200', async () => {
    const d = signedKiwify(a.id, KIWIFY_TOKEN, { hello: 'world', webhook_event_type: 'something_new' });
    const res = await send(d);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ received: true, unprocessable: true });
    const row = await t.store.db.selectFrom('events').selectAll().where('id', '=', res.json().id).executeTakeFirstOrThrow();
    expect(row.status).toBe('unprocessable');
    expect(row.error).toBeTruthy();
    expect(Buffer.from(row.raw_body!).toString()).toBe(d.body);
    expect((await send(d)).json().duplicate).toBe(true);
  });

  it('answers a signed non-JSON body with 400 but keeps it', async () => {
    const body = 'this is not json';
    const res = await t.app.inject({ method: 'POST', url: `/api/v1/webhooks/hotmart?tenant=${a.id}`, headers: { 'x-hotmart-hottok': HOTTOK, 'content-type': 'application/json' }, payload: body });
    expect(res.statusCode).toBe(400);
    const rows = await t.store.db.selectFrom('events').selectAll().where('tenant_id', '=', a.id).where('status', '=', 'unprocessable').execute();
    expect(rows.some((r) => Buffer.from(r.raw_body!).toString() === body)).toBe(true);
  });

  it('answers an oversized body with 413', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/webhooks/hotmart?tenant=${a.id}`,
      headers: { 'x-hotmart-hottok': HOTTOK, 'content-type': 'application/json' },
      payload: JSON.stringify({ pad: 'x'.repeat(300 * 1024) }),
    });
    expect(res.statusCode).toBe(413);
  });

  it('never answers 5xx and stores nothing for a bad signature, whatever the body and headers', async () => {
    const before = await countEvents(a.id);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('hotmart', 'kiwify', 'stripe'),
        fc.oneof(fc.string(), fc.json(), fc.uint8Array({ maxLength: 2000 }).map((b) => Buffer.from(b).toString('latin1'))),
        fc.dictionary(fc.constantFrom('x-hotmart-hottok', 'stripe-signature', 'content-type', 'x-whatever'), fc.string({ maxLength: 100 })),
        fc.string({ maxLength: 60 }),
        async (gateway, body, headers, signature) => {
          const safeHeaders = Object.fromEntries(Object.entries(headers).filter(([, v]) => /^[\x20-\x7e]*$/.test(v)));
          const res = await t.app.inject({
            method: 'POST',
            url: `/api/v1/webhooks/${gateway}?tenant=${a.id}&signature=${encodeURIComponent(signature)}`,
            headers: safeHeaders,
            payload: body,
          });
          expect(res.statusCode).toBeLessThan(500);
          expect([400, 401, 413, 415]).toContain(res.statusCode);
        },
      ),
      { numRuns: 60, seed: 42 },
    );
    expect(await countEvents(a.id)).toBe(before);
  });
});

describe('webhook credentials cache', () => {
  it('a burst of deliveries to a tenant not yet cached reads its connection once, not once per delivery', async () => {
    let connectionReads = 0;
    const countConnectionReads: KyselyPlugin = {
      transformQuery({ node }) {
        if (SelectQueryNode.is(node) && JSON.stringify(node.from).includes('"name":"connections"')) connectionReads++;
        return node;
      },
      transformResult: async ({ result }) => result,
    };
    const t = await buildTestApp({ extendDeps: (deps) => ({ ...deps, store: { ...deps.store, db: deps.store.db.withPlugin(countConnectionReads) } }) });
    try {
      const tenant = await createTenantViaApi(t.app, 'Burst');
      await t.app.inject({ method: 'PUT', url: '/api/v1/connections/hotmart', headers: bearer(tenant.secretKey), payload: { hottok: HOTTOK } });
      connectionReads = 0;
      const deliveries = Array.from({ length: 20 }, (_, i) =>
        signedHotmart(tenant.id, HOTTOK, { ...(gatewayFixture('hotmart', 'purchase-approved') as object), id: `burst-${i}` }),
      );
      const answers = await Promise.all(deliveries.map((d) => t.app.inject({ method: 'POST', url: d.url, headers: d.headers, payload: d.body })));
      expect(answers.map((r) => r.statusCode)).toEqual(Array(20).fill(200));
      expect(connectionReads).toBe(1);
    } finally {
      await t.close();
    }
  });
});
