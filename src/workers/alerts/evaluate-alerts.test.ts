// Guards the alert evaluator on real databases: each rule raised from stored facts, one alert per
// condition however many passes see it, resolution when it clears, every state change posted once to
// the right webhook (retried when the webhook failed), no buyer data in what leaves, Meta asked about
// the token once a day, the open-alerts gauge, and one evaluator at a time on PostgreSQL.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestStore, STORE_KINDS, type TestStore } from '../../../test/support/databases.ts';
import { startAlertReceiver, type AlertReceiver } from '../../../test/support/alert-receiver.ts';
import { createSecretBox } from '../../lib/secret-box.ts';
import { createMetrics } from '../../lib/metrics.ts';
import { newId } from '../../lib/ids.ts';
import { createTenant } from '../../store/tenants.ts';
import { upsertConnection } from '../../store/connections.ts';
import { updateTenantSettings } from '../../store/tenants.ts';
import { startMetaSandbox, type RunningMetaSandbox } from '../../sandbox/meta/index.ts';
import { alertsWorkerDeps, runAlertsPass, type AlertsWorkerDeps } from './index.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const PIXEL = '1234567890';
const box = createSecretBox(Buffer.alloc(32, 7));

describe.each(STORE_KINDS)('the alert evaluator on %s', (kind) => {
  let store: TestStore;
  let sandbox: RunningMetaSandbox;
  let receiver: AlertReceiver;
  let fallback: AlertReceiver;
  let tenantId: string;
  let now: Date;

  beforeAll(async () => {
    store = await createTestStore(kind);
    sandbox = await startMetaSandbox({ knownPixelIds: [PIXEL] });
    receiver = await startAlertReceiver();
    fallback = await startAlertReceiver();
  });
  afterAll(async () => {
    await Promise.allSettled([store?.dispose(), sandbox?.close(), receiver?.close(), fallback?.close()]);
  });
  beforeEach(async () => {
    tenantId = (await createTenant(store.db, { name: 'Acme Cursos' })).tenant.id;
    await updateTenantSettings(store.db, tenantId, { alertWebhookUrl: receiver.url });
    receiver.received.length = 0;
    receiver.failing = false;
    fallback.received.length = 0;
    now = new Date();
  });
  afterEach(async () => {
    // Other tenants' alerts stay out of the next test's webhook.
    await store.db.deleteFrom('tenants').where('id', '=', tenantId).execute();
  });

  const deps = (overrides: Partial<AlertsWorkerDeps> = {}): AlertsWorkerDeps =>
    alertsWorkerDeps({ store, box, graphUrl: sandbox.url, fallbackWebhookUrl: fallback.url, now: () => now, ...overrides });

  const connectMeta = (accessToken = 'EAAB-good', health: 'healthy' | 'unhealthy' = 'healthy', healthReason: string | null = null) =>
    upsertConnection(store.db, box, tenantId, { kind: 'meta', settings: { pixelId: PIXEL }, secret: { accessToken }, hintOf: accessToken, health, healthReason });

  /** A paid sale (webhook event, conversion, CAPI event) that arrived at `arrivedAt`. */
  async function paidSale(arrivedAt: Date, status: 'pending' | 'sent' | 'waiting' | 'failed' | 'skipped', kindOf = 'purchase') {
    const eventId = newId('evt');
    const conversionId = newId('cnv');
    await store.db
      .insertInto('events')
      .values({ id: eventId, tenant_id: tenantId, type: 'webhook', gateway: 'hotmart', delivery_key: eventId, occurred_at: arrivedAt, received_at: arrivedAt, flags: [] })
      .execute();
    await store.db
      .insertInto('conversions')
      .values({
        tenant_id: tenantId,
        id: conversionId,
        event_id: eventId,
        gateway: 'hotmart',
        transaction_id: `HP${conversionId}`,
        kind: kindOf,
        value: '197.00',
        net_value: null,
        currency: 'BRL',
        occurred_at: arrivedAt,
        buyer: JSON.stringify({ email: 'maria.souza@example.com', phone: '+5511999998888' }),
        tracking: JSON.stringify({}),
        flags: [],
        created_at: arrivedAt,
      })
      .execute();
    await capiEvent(arrivedAt, status, { conversionId, sourceEventId: eventId });
    return conversionId;
  }

  async function capiEvent(createdAt: Date, status: string, o: { conversionId?: string; sourceEventId?: string; eventTime?: Date; eventName?: string } = {}) {
    const id = newId('cap');
    await store.db
      .insertInto('capi_events')
      .values({
        tenant_id: tenantId,
        id,
        event_id: `e-${id}`,
        conversion_id: o.conversionId ?? null,
        source_event_id: o.sourceEventId ?? newId('evt'),
        event_name: o.eventName ?? 'Purchase',
        status: status as 'pending',
        payload: JSON.stringify({ event_name: 'Purchase', event_time: Math.floor((o.eventTime ?? createdAt).getTime() / 1000), user_data: { em: ['a'.repeat(64)] } }),
        first_attempt_at: null,
        next_attempt_at: null,
        sent_at: status === 'sent' ? createdAt : null,
        last_error: null,
        created_at: createdAt,
      })
      .execute();
    return id;
  }

  const alerts = () => store.db.selectFrom('alerts').selectAll().where('tenant_id', '=', tenantId).orderBy('opened_at').execute();

  it('opens one alert for late paid sales, posts it once, keeps it while they stay late, resolves and posts that', async () => {
    await connectMeta();
    const conversionId = await paidSale(new Date(now.getTime() - 10 * MIN), 'pending');
    await paidSale(new Date(now.getTime() - 20 * MIN), 'sent');
    await paidSale(new Date(now.getTime() - 20 * MIN), 'skipped', 'subscription_renewed');

    expect(await runAlertsPass(deps())).toMatchObject({ evaluated: true, opened: 0 });
    expect(receiver.received).toEqual([]);

    now = new Date(now.getTime() + 6 * MIN); // the pending sale is 16 minutes old
    expect(await runAlertsPass(deps())).toMatchObject({ opened: 1, notified: 1 });
    now = new Date(now.getTime() + MIN);
    expect(await runAlertsPass(deps())).toMatchObject({ opened: 0, resolved: 0, notified: 0 });
    const [open] = await alerts();
    expect(open).toMatchObject({ rule: 'sale_not_delivered', subject: 'meta', state: 'open', resolved_at: null });
    expect(open!.details).toMatchObject({ count: 1, boundMinutes: 15, conversionIds: [conversionId] });
    expect(open!.notified_at).not.toBeNull();
    expect(receiver.received).toHaveLength(1);
    const posted = receiver.received[0]!;
    expect(posted).toMatchObject({
      text: expect.stringMatching(/^🔴 Hub alert — Acme Cursos: paid sales not accepted by Meta in time\. 1 paid sale\(s\) not accepted by Meta 15 min/),
      alert: { id: open!.id, rule: 'sale_not_delivered', state: 'open', tenantId, subject: 'meta', resolvedAt: null, details: { count: 1 } },
    });
    // What leaves the hub says how many and which conversion, never who bought.
    expect(JSON.stringify(posted)).not.toMatch(/maria|souza|example\.com|99999/i);
    expect(fallback.received).toEqual([]);

    await store.db.updateTable('capi_events').set({ status: 'sent', sent_at: now }).where('tenant_id', '=', tenantId).where('conversion_id', '=', conversionId).execute();
    now = new Date(now.getTime() + MIN);
    expect(await runAlertsPass(deps())).toMatchObject({ resolved: 1, notified: 1 });
    expect(await alerts()).toMatchObject([{ id: open!.id, state: 'resolved', resolved_at: now }]);
    expect(receiver.received[1]).toMatchObject({
      text: expect.stringMatching(/^✅ Resolved — Acme Cursos: paid sales not accepted by Meta in time \(open since \d{4}-\d\d-\d\d \d\d:\d\d UTC\)\.$/),
      alert: { id: open!.id, state: 'resolved', resolvedAt: now.toISOString() },
    });

    // A later occurrence is a new alert.
    await paidSale(new Date(now.getTime() - 30 * MIN), 'failed');
    expect(await runAlertsPass(deps())).toMatchObject({ opened: 1 });
    const rows = await alerts();
    expect(rows.map((r) => r.state)).toEqual(['resolved', 'open']);
    expect(rows[1]!.id).not.toBe(open!.id);
  });

  it('tries a refused post again on the next pass, and uses HUB_ALERT_WEBHOOK_URL when the tenant has no webhook', async () => {
    await connectMeta('EAAB-good', 'unhealthy', 'the access token was refused by Meta (code 190)');
    receiver.failing = true;
    expect(await runAlertsPass(deps())).toMatchObject({ opened: 1, notified: 0, notifyFailures: 1 });
    expect((await alerts())[0]!.notified_at).toBeNull();
    receiver.failing = false;
    now = new Date(now.getTime() + MIN);
    expect(await runAlertsPass(deps())).toMatchObject({ notified: 1 });
    expect(receiver.received).toMatchObject([{ alert: { rule: 'token_refused', details: { reason: 'the access token was refused by Meta (code 190)' } } }]);

    await updateTenantSettings(store.db, tenantId, {});
    await connectMeta('EAAB-good'); // a working token: the alert resolves, and the fallback hears it
    now = new Date(now.getTime() + MIN);
    expect(await runAlertsPass(deps())).toMatchObject({ resolved: 1, notified: 1 });
    expect(fallback.received).toMatchObject([{ alert: { rule: 'token_refused', state: 'resolved' } }]);
    // With no webhook anywhere, nothing is posted and nothing fails.
    await connectMeta('EAAB-good', 'unhealthy', 'refused again');
    now = new Date(now.getTime() + MIN);
    expect(await runAlertsPass(deps({ fallbackWebhookUrl: undefined }))).toMatchObject({ opened: 1, notified: 0, notifyFailures: 0 });
  });

  it('raises each of the other rules from the stored facts, in pt-BR when HUB_LOCALE says so', async () => {
    await connectMeta('EAAB-expires-in-3d-token');
    const old = new Date(now.getTime() - 2 * DAY);
    // A connected gateway silent for a day while 20 ad clicks arrived.
    await upsertConnection(store.db, box, tenantId, { kind: 'kiwify', settings: {}, secret: { token: 'k' }, hintOf: 'kiwify-token' });
    await store.db.updateTable('connections').set({ created_at: old }).where('tenant_id', '=', tenantId).where('kind', '=', 'kiwify').execute();
    await store.db
      .insertInto('events')
      .values(Array.from({ length: 20 }, (_, i) => ({ id: newId('evt'), tenant_id: tenantId, type: 'click' as const, gateway: null, delivery_key: `c${i}`, occurred_at: now, received_at: new Date(now.getTime() - HOUR), flags: [] })))
      .execute();
    // A burst of bad Hotmart signatures.
    await store.db
      .insertInto('webhook_rejections')
      .values(Array.from({ length: 10 }, () => ({ id: newId('rej'), tenant_id: tenantId, gateway: 'hotmart', source_ip: '203.0.113.9', reason: 'bad_signature: hottok mismatch', received_at: new Date(now.getTime() - 5 * MIN) })))
      .execute();
    // 25 page views of the last hours, 20 of them refused by Meta; one purchase 6.5 days old still waiting.
    for (let i = 0; i < 25; i++) await capiEvent(new Date(now.getTime() - 2 * HOUR), i < 20 ? 'failed' : 'sent', { eventName: 'PageView' });
    await capiEvent(new Date(now.getTime() - 6.5 * DAY), 'waiting', { eventTime: new Date(now.getTime() - 6.5 * DAY) });

    const metrics = createMetrics();
    const pass = await runAlertsPass(deps({ locale: 'pt-BR', metrics }));
    expect(pass).toMatchObject({ evaluated: true, notified: 5 });
    const byRule = Object.fromEntries((await alerts()).map((a) => [a.rule, a]));
    expect(Object.keys(byRule).sort()).toEqual(['delivery_rate_low', 'events_near_limit', 'gateway_silent', 'signature_failures', 'token_expiring']);
    expect(byRule.gateway_silent).toMatchObject({ subject: 'kiwify', details: { gateway: 'kiwify', clicks: 20, silentHours: 24 } });
    expect(byRule.signature_failures).toMatchObject({ subject: 'hotmart', details: { count: 10, windowMinutes: 15 } });
    expect(byRule.delivery_rate_low).toMatchObject({ details: { sent: 5, total: 25, rate: 0.2 } });
    // 12 h left, give or take the second event_time is rounded to.
    expect(byRule.events_near_limit).toMatchObject({ details: { count: 1, hoursLeft: expect.toBeOneOf([11, 12]) } });
    expect(byRule.token_expiring!.details).toMatchObject({ daysLeft: expect.toBeOneOf([2, 3]) }); // the sandbox counts 3 days from its own clock
    expect(receiver.received.map((r) => r.text as string).join('\n')).toMatch(/Alerta do hub — Acme Cursos: o token de acesso da Meta expira em breve/);

    const gauge = await metrics.registry.getSingleMetricAsString('hub_alerts_open');
    expect(gauge).toMatch(/hub_alerts_open\{rule="gateway_silent"\} 1/);
    expect(gauge).toMatch(/hub_alerts_open\{rule="sale_not_delivered"\} 0/);

    // Meta was asked about the token once; the next passes use what it said.
    const reads = sandbox.recorder.stats().reads;
    now = new Date(now.getTime() + MIN);
    await runAlertsPass(deps());
    expect(sandbox.recorder.stats().reads).toBe(reads);
    now = new Date(now.getTime() + DAY);
    await runAlertsPass(deps());
    expect(sandbox.recorder.stats().reads).toBe(reads + 1);
  });

  it('keeps a token alert as it is while Meta does not answer', async () => {
    await connectMeta('EAAB-expires-in-2d-token');
    await runAlertsPass(deps());
    expect((await alerts()).map((a) => [a.rule, a.state])).toEqual([['token_expiring', 'open']]);
    const silent = (async () => {
      throw new TypeError('fetch failed');
    }) as unknown as typeof fetch;
    now = new Date(now.getTime() + 2 * DAY); // the cached answer is stale: Meta is asked and says nothing
    await runAlertsPass(deps({ fetchImpl: silent }));
    expect((await alerts()).map((a) => [a.rule, a.state])).toEqual([['token_expiring', 'open']]);
  });

  if (kind === 'postgres') {
    it('lets one evaluator work at a time; the other skips the round', async () => {
      await connectMeta('EAAB-good', 'unhealthy', 'refused');
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let posting!: () => void;
      const posted = new Promise<void>((resolve) => (posting = resolve));
      const slowWebhook = (async (url: string, init: RequestInit) => {
        if (!String(url).includes('/hooks/')) return fetch(url, init);
        posting();
        await held;
        return new Response('ok', { status: 200 });
      }) as unknown as typeof fetch;
      const first = runAlertsPass(deps({ fetchImpl: slowWebhook }));
      await posted; // the first pass holds the lock, inside its transaction
      expect(await runAlertsPass(deps())).toMatchObject({ evaluated: false });
      release();
      expect(await first).toMatchObject({ evaluated: true, opened: 1, notified: 1 });
    });
  }
});
