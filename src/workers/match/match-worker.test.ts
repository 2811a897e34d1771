// Guards the match worker on real databases: pass-through and identity links with the identifiers
// Meta needs, one conversion and one Meta event per purchase whatever the deliveries, idempotent
// reruns, the bounded wait for a late session, refunds before purchases, and poison messages that
// end dead-lettered with their error instead of stalling the queue.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS, createTestStore, type TestStore } from '../../../test/support/databases.ts';
import { createTenant } from '../../store/tenants.ts';
import { createDbQueue } from '../../queue/db-queue.ts';
import type { ClaimedJob } from '../../queue/queue.ts';
import { jobCatalog } from '../../queue/job-catalog.ts';
import { insertEvents } from '../../store/events.ts';
import type { NewEvent } from '../../store/database.ts';
import { SessionMemoryCache, buildTrackingEvent, type TrackRequest } from '../../domain/tracking/index.ts';
import { getGateway } from '../../domain/gateways/index.ts';
import { conversionEventId } from '../../domain/matching/index.ts';
import { normalizeEmail, sha256Hex } from '../../domain/identity/index.ts';
import { newId } from '../../lib/ids.ts';
import { webhookBody, type BenchGateway, type SaleFacts, type SaleEvent } from '../../../bench/match/gateway-bodies.ts';
import { createMatchHandler } from './match-handler.ts';
import { matchWorkerDeps, type MatchWorkerDeps } from './match-worker-deps.ts';

const MIN = 60_000;

describe.each(STORE_KINDS)('match worker on %s', (kind) => {
  let store: TestStore;
  let tenantId: string;
  const queue = () => createDbQueue(store.db);
  const now = new Date();
  const sessions = new SessionMemoryCache();

  beforeAll(async () => {
    store = await createTestStore(kind);
    tenantId = (await createTenant(store.db, { name: 'Acme' })).tenant.id;
  });
  afterAll(async () => {
    await store?.dispose();
  });

  async function ingest(events: NewEvent[]): Promise<string[]> {
    return store.db.transaction().execute(async (trx) => {
      const stored = await insertEvents(trx, events);
      await queue().enqueue(trx, 'ingest-events', stored.filter((s) => !s.duplicate).map((s) => ({ tenantId, payload: { eventId: s.id, tenantId } })));
      return stored.map((s) => s.id);
    });
  }

  function trackEvent(type: 'click' | 'pageview' | 'initiate_checkout', at: Date, request: TrackRequest): NewEvent {
    const built = buildTrackingEvent(request, { type, tenantId, now: at, userAgent: 'Mozilla/5.0 (iPhone) Safari', funnelSlug: null, sessions, newId });
    return {
      id: built.id, tenant_id: tenantId, type, gateway: null, delivery_key: built.deliveryKey, occurred_at: built.occurredAt, flags: built.flags,
      payload: JSON.stringify(built.payload), raw_body: null, raw_headers: null, evidence_ref: null, client_ip: '177.1.2.3',
      user_agent: 'Mozilla/5.0 (iPhone) Safari', error: null,
    };
  }

  function webhookEvent(gateway: BenchGateway, event: SaleEvent, sale: Partial<SaleFacts> & { transactionId: string }): NewEvent {
    const facts: SaleFacts = {
      deliveryId: crypto.randomUUID(), occurredAt: new Date(now.getTime() - 10 * MIN), email: 'ana@example.com', phone: '(11) 98765-4321',
      firstName: 'Ana', lastName: 'Souza', city: 'São Paulo', state: 'SP', zip: '01310-100', ip: '177.1.2.3', value: '197.00',
      currency: 'BRL', productId: 'prod_1', sck: null, ...sale,
    };
    const body = Buffer.from(JSON.stringify(webhookBody(gateway, event, facts)));
    const parsed = getGateway(gateway)!.parse({ rawBody: body, headers: {}, query: {}, receivedAt: facts.occurredAt });
    if (!parsed.ok) throw new Error(parsed.reason);
    return {
      id: newId('evt'), tenant_id: tenantId, type: 'webhook', gateway, delivery_key: parsed.deliveryId, occurred_at: facts.occurredAt, flags: [],
      payload: JSON.stringify({ query: {}, eventType: parsed.eventType }), raw_body: body, raw_headers: JSON.stringify({}), evidence_ref: null,
      client_ip: null, user_agent: null, error: null,
    };
  }

  /** Claims and handles what is ready, applying outcomes as the queue runner does; returns them. */
  async function runWorker(overrides: Partial<MatchWorkerDeps> = {}) {
    const q = queue();
    const handler = createMatchHandler(matchWorkerDeps({ store, queue: q, ...overrides }));
    const seen: { job: ClaimedJob; outcome: Awaited<ReturnType<typeof handler.handle>>[number] }[] = [];
    for (;;) {
      const jobs = await q.claim('ingest-events', { max: 50, visibilityMs: 60_000, workerId: 't' });
      if (jobs.length === 0) return seen;
      const outcomes = await handler.handle(jobs);
      for (const [i, job] of jobs.entries()) {
        const outcome = outcomes[i]!;
        seen.push({ job, outcome });
        if (outcome.kind === 'ok') await q.ack(job);
        else if (outcome.kind === 'dead_letter') await q.deadLetter(job, outcome.reason);
        else if (outcome.kind === 'retry') await q.retry(job, { delayMs: 60_000, error: outcome.reason, maxAttempts: jobCatalog['ingest-events'].maxAttempts });
      }
    }
  }

  const conversionsOf = (transactionId: string) =>
    store.db.selectFrom('conversions').selectAll().where('tenant_id', '=', tenantId).where('transaction_id', '=', transactionId).orderBy('kind').execute();
  const matchOf = (conversionId: string) =>
    store.db.selectFrom('matches').selectAll().where('tenant_id', '=', tenantId).where('conversion_id', '=', conversionId).executeTakeFirstOrThrow();
  const capiOf = (conversionId: string) =>
    store.db.selectFrom('capi_events').selectAll().where('tenant_id', '=', tenantId).where('conversion_id', '=', conversionId).execute();

  it('links a Hotmart purchase by its sck to the session, and builds Purchase with click, session and buyer identifiers', async () => {
    const sid = newId('sid');
    const clickAt = new Date(now.getTime() - 3 * 24 * 60 * MIN);
    const url = 'https://lp.example.com/?fbclid=IwAR123abc';
    await ingest([
      trackEvent('click', clickAt, { visitorId: 'vis_1', sessionId: sid, url, fbclid: 'IwAR123abc', fbp: 'fb.1.1700000000000.111' }),
      trackEvent('pageview', new Date(clickAt.getTime() + 1000), { visitorId: 'vis_1', sessionId: sid, url, eventId: 'pv-1' }),
    ]);
    await ingest([webhookEvent('hotmart', 'purchase', { transactionId: 'HP0001', sck: sid })]);
    await runWorker();

    const [purchase] = await conversionsOf('HP0001');
    expect(purchase).toMatchObject({ kind: 'purchase', status: 'matched', value: '197.00', currency: 'BRL', flags: [] });
    const match = await matchOf(purchase!.id);
    expect(match).toMatchObject({ method: 'passthrough', confidence: 1, visitor_id: 'vis_1', session_id: sid });
    expect(match.click_id).toMatch(/^clk_/);
    expect(match.evidence).toMatchObject({ passthrough: [{ token: sid, field: 'sck', found: true }], attributionModel: 'last_click' });
    expect((match.evidence as { clickToConversionMs: number }).clickToConversionMs).toBeGreaterThan(2 * 24 * 60 * MIN);

    const [capi] = await capiOf(purchase!.id);
    expect(capi).toMatchObject({ event_name: 'Purchase', status: 'pending', event_id: conversionEventId({ tenantId, gateway: 'hotmart', transactionId: 'HP0001', kind: 'purchase' }) });
    const payload = capi!.payload as { user_data: Record<string, unknown>; event_source_url: string; action_source: string };
    expect(payload.user_data).toMatchObject({
      em: [sha256Hex(normalizeEmail('ana@example.com')!)],
      ph: [sha256Hex('5511987654321')],
      external_id: [sha256Hex('vis_1')],
      client_ip_address: '177.1.2.3',
      client_user_agent: 'Mozilla/5.0 (iPhone) Safari',
      fbp: 'fb.1.1700000000000.111',
    });
    expect(payload.user_data.fbc).toMatch(/^fb\.1\.\d+\.IwAR123abc$/);
    expect(payload).toMatchObject({ event_source_url: url, action_source: 'website' });
    expect(JSON.stringify(capi!.payload)).not.toContain('ana@example.com');
    const jobs = await store.db.selectFrom('jobs').select('payload').where('queue', '=', 'capi-dispatch').execute();
    expect(jobs.map((j) => (j.payload as { capiEventId: string }).capiEventId)).toContain(capi!.id);
    // The pageview became a PageView whose event_id is the browser's, for pixel dedupe.
    const pageview = await store.db.selectFrom('capi_events').selectAll().where('tenant_id', '=', tenantId).where('event_id', '=', 'pv-1').executeTakeFirst();
    expect(pageview).toMatchObject({ event_name: 'PageView', status: 'pending' });
  });

  it('is idempotent: re-running the same events, and Hotmart’s COMPLETE after APPROVED, add no conversion, match or Meta event', async () => {
    const before = await snapshot();
    const events = await store.db.selectFrom('events').select('id').where('tenant_id', '=', tenantId).execute();
    await store.db.transaction().execute((trx) => queue().enqueue(trx, 'ingest-events', events.map((e) => ({ tenantId, payload: { eventId: e.id, tenantId } }))));
    await ingest([webhookEvent('hotmart', 'purchase_again', { transactionId: 'HP0001' })]);
    await runWorker();
    expect(await snapshot()).toEqual(before);
  });

  it('matches by identity: the e-mail typed with other case and spaces at checkout', async () => {
    const sid = newId('sid');
    await ingest([trackEvent('initiate_checkout', new Date(now.getTime() - 60 * MIN), { visitorId: 'vis_2', sessionId: sid, url: 'https://lp.example.com/', user: { email: ' Bia@Example.com ', phone: '+55 21 99876-5432' } })]);
    await ingest([webhookEvent('kiwify', 'purchase', { transactionId: 'k-0002', email: 'BIA@EXAMPLE.COM', phone: '21998765432' })]);
    await runWorker();
    const [purchase] = await conversionsOf('k-0002');
    // the pixel's sighting: e-mail and phone on one session, claimed with the public key (docs/matching.md)
    expect(await matchOf(purchase!.id)).toMatchObject({ method: 'identity', confidence: 0.85, visitor_id: 'vis_2', session_id: sid });
  });

  it('waits for a pass-through session that has not arrived, then links it when it does', async () => {
    const sid = newId('sid');
    await ingest([webhookEvent('stripe', 'purchase', { transactionId: 'pi_late', sck: sid, email: null, phone: null })]);
    const first = await runWorker();
    expect(first.map((r) => r.outcome.kind)).toEqual(['retry']);
    expect(await conversionsOf('pi_late')).toEqual([]);
    await ingest([trackEvent('pageview', new Date(now.getTime() - 20 * MIN), { visitorId: 'vis_3', sessionId: sid, url: 'https://lp.example.com/' })]);
    await store.db.updateTable('jobs').set({ run_at: new Date(0) }).where('queue', '=', 'ingest-events').execute();
    await runWorker();
    const [purchase] = await conversionsOf('pi_late');
    expect(await matchOf(purchase!.id)).toMatchObject({ method: 'passthrough', visitor_id: 'vis_3' });
    expect(purchase!.flags).toEqual(['no_buyer_identifier']);
  });

  it('falls back after the bounded wait and flags it', async () => {
    await ingest([webhookEvent('stripe', 'purchase', { transactionId: 'pi_never', sck: newId('sid') })]);
    await runWorker({ passthroughWaitMs: 0 });
    const [purchase] = await conversionsOf('pi_never');
    expect(purchase!.flags).toContain('passthrough_session_not_found');
    expect(await matchOf(purchase!.id)).toMatchObject({ method: 'unmatched', confidence: 0 });
    // Unmatched purchases still go to Meta with the buyer's hashed identifiers.
    expect((await capiOf(purchase!.id))[0]).toMatchObject({ status: 'pending', event_name: 'Purchase' });
  });

  it('stores a refund that arrives before its purchase, links it when the purchase comes, and skips it for Meta', async () => {
    await ingest([webhookEvent('kiwify', 'refund', { transactionId: 'k-refund' })]);
    await runWorker();
    await ingest([webhookEvent('kiwify', 'purchase', { transactionId: 'k-refund' })]);
    await runWorker();
    const [purchase, refund] = await conversionsOf('k-refund');
    expect(refund).toMatchObject({ kind: 'refund', related_id: purchase!.id });
    expect((await capiOf(refund!.id))[0]).toMatchObject({ status: 'skipped', event_name: 'Refund' });
  });

  it('flags bad input and still writes the conversion', async () => {
    await ingest([webhookEvent('hotmart', 'purchase', { transactionId: 'HP-bad', email: 'ana@@example', phone: null, currency: 'XYZ' })]);
    await runWorker();
    const [purchase] = await conversionsOf('HP-bad');
    expect(purchase!.flags).toEqual(expect.arrayContaining(['malformed_email', 'no_buyer_identifier', 'unknown_currency']));
  });

  it('dead-letters a poison message after its last attempt and marks the event failed; a bad job payload too', async () => {
    const [id] = await ingest([{ ...trackEvent('pageview', now, { visitorId: 'vis_p', url: 'https://lp.example.com/' }), payload: JSON.stringify({ version: 99 }) }]);
    const first = await runWorker();
    expect(first.map((r) => r.outcome.kind)).toEqual(['retry']);
    await store.db.updateTable('jobs').set({ run_at: new Date(0), attempts: jobCatalog['ingest-events'].maxAttempts - 1 }).where('queue', '=', 'ingest-events').execute();
    const last = await runWorker();
    expect(last.map((r) => r.outcome.kind)).toEqual(['dead_letter']);
    const event = await store.db.selectFrom('events').select(['status', 'error']).where('id', '=', id!).executeTakeFirstOrThrow();
    expect(event.status).toBe('failed');
    expect(event.error).toMatch(/ZodError|invalid/i);
    const dead = await queue().listDead('ingest-events', tenantId, 10);
    expect(dead).toHaveLength(1);

    await store.db.transaction().execute((trx) => queue().enqueue(trx, 'ingest-events', [{ tenantId, payload: { nonsense: true } }]));
    expect((await runWorker()).map((r) => r.outcome.kind)).toEqual(['dead_letter']);
  });

  async function snapshot() {
    const [conversions, matches, capi, dedupe] = await Promise.all([
      store.db.selectFrom('conversions').selectAll().where('tenant_id', '=', tenantId).orderBy('id').execute(),
      store.db.selectFrom('matches').selectAll().where('tenant_id', '=', tenantId).orderBy('conversion_id').execute(),
      store.db.selectFrom('capi_events').select(['id', 'event_id', 'status', 'payload']).where('tenant_id', '=', tenantId).orderBy('id').execute(),
      store.db.selectFrom('dedupe_registry').selectAll().where('tenant_id', '=', tenantId).where('key', 'like', 'conversion:%').orderBy('key').execute(),
    ]);
    return { conversions, matches, capi, dedupe };
  }
});
