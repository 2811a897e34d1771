// Guards Eduzz's door on the real routes: connected with its secret key (a list while moving to a new
// key), deliveries authenticated by x-signature on the raw bytes, durable before 200, deduped on the
// envelope id, the activation ping answered 200, and anything unsigned or re-signed refused with 401.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, buildTestApp, createTenantViaApi, type TestApp } from '../../../../test/support/app.ts';
import { STORE_KINDS } from '../../../../test/support/databases.ts';
import { gatewayFixture, signedEduzz, type SignedDelivery } from '../../../../test/support/signed-webhooks.ts';

const OLD_KEY = 'eduzz-key-old-0123456789';
const NEW_KEY = 'eduzz-key-new-9876543210';

describe.each(STORE_KINDS)('Eduzz webhooks on %s', (kind) => {
  let t: TestApp;
  let a: Awaited<ReturnType<typeof createTenantViaApi>>;

  const send = (d: SignedDelivery, headers: Record<string, string> = d.headers) =>
    t.app.inject({ method: 'POST', url: d.url, headers, payload: d.body });
  const connect = (payload: unknown) =>
    t.app.inject({ method: 'PUT', url: '/api/v1/connections/eduzz', headers: bearer(a.secretKey), payload: payload as object });

  beforeAll(async () => {
    t = await buildTestApp({ kind });
    a = await createTenantViaApi(t.app, 'Eduzz A');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('refuses a connection without a key, or with more than five, naming the field', async () => {
    for (const payload of [{}, { webhookSecret: '' }, { webhookSecret: ['1', '2', '3', '4', '5', '6'] }]) {
      const res = await connect(payload);
      expect(res.statusCode).toBe(400);
      expect(JSON.stringify(res.json().errors)).toContain('webhookSecret');
    }
  });

  it('connects with two keys and answers the webhook URL, never the keys', async () => {
    const res = await connect({ webhookSecret: [OLD_KEY, NEW_KEY] });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ kind: 'eduzz', configured: true, hint: '…3210', webhookUrl: expect.stringMatching(new RegExp(`/api/v1/webhooks/eduzz\\?tenant=${a.id}$`)) });
    expect(res.body).not.toContain(OLD_KEY);
    const tenant = await t.app.inject({ url: '/api/v1/tenant', headers: bearer(a.secretKey) });
    expect(tenant.json().connections.map((c: { kind: string }) => c.kind)).toContain('eduzz');
  });

  it('accepts a signed invoice_paid, keeps its exact bytes without the signature, enqueues it once, and answers a resend as a duplicate', async () => {
    const d = signedEduzz(a.id, NEW_KEY, gatewayFixture('eduzz', 'invoice-paid'));
    const res = await send(d);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ received: true, duplicate: false });
    expect(body.unprocessable).toBeUndefined();
    const row = await t.store.db.selectFrom('events').selectAll().where('id', '=', body.id).executeTakeFirstOrThrow();
    expect(row.gateway).toBe('eduzz');
    expect(Buffer.from(row.raw_body!).toString('utf8')).toBe(d.body);
    expect(JSON.stringify(row.raw_headers)).not.toContain(d.headers['x-signature']!);
    expect((await send(d)).json()).toEqual({ received: true, id: body.id, duplicate: true });
    const jobs = await t.store.db.selectFrom('jobs').select('payload').where('tenant_id', '=', a.id).execute();
    expect(jobs.filter((j) => (j.payload as { eventId: string }).eventId === body.id)).toHaveLength(1);
  });

  it('accepts the old key while the configuration moves to the new one', async () => {
    const d = signedEduzz(a.id, OLD_KEY, { ...gatewayFixture('eduzz', 'invoice-refunded'), id: 'refund-under-old-key' });
    expect((await send(d)).statusCode).toBe(200);
  });

  it('answers the activation ping 200, stored with no conversion', async () => {
    const res = await send(signedEduzz(a.id, NEW_KEY, gatewayFixture('eduzz', 'ping')));
    expect(res.statusCode).toBe(200);
    expect(res.json().unprocessable).toBeUndefined();
  });

  it('keeps a signed but unknown MyEduzz event raw, flagged unprocessable, and answers 200', async () => {
    const res = await send(signedEduzz(a.id, NEW_KEY, { id: 'evt-new-1', event: 'myeduzz.invoice_teleported', data: { id: '1' } }));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ received: true, unprocessable: true });
  });

  it('refuses with 401 a wrong key, a tampered body, a missing signature and a re-serialized body', async () => {
    const d = signedEduzz(a.id, NEW_KEY, { ...gatewayFixture('eduzz', 'invoice-paid'), id: 'forged-1' });
    const { 'x-signature': signature, ...unsigned } = d.headers;
    const answers = await Promise.all([
      send(signedEduzz(a.id, 'not-the-key', { ...gatewayFixture('eduzz', 'invoice-paid'), id: 'forged-2' })),
      send({ ...d, body: d.body.replace('301.5', '3.5') }),
      send(d, unsigned),
      send({ ...d, body: JSON.stringify(JSON.parse(d.body), null, 2) }, { ...unsigned, 'x-signature': signature! }),
    ]);
    expect(answers.map((r) => r.statusCode)).toEqual([401, 401, 401, 401]);
    const stored = await t.store.db.selectFrom('events').select('id').where('tenant_id', '=', a.id).where('delivery_key', 'in', ['forged-1', 'forged-2']).execute();
    expect(stored).toEqual([]);
  });
});
