// Guards the set-based batch path against the event-by-event path it replaced: the same events,
// claimed in one batch, must leave the same conversions, matches, CAPI events, dedupe keys and event
// statuses — with duplicates, follow-ups before and after their purchase, tracking of the same session
// and a purchase that waits for its session all inside one batch — and a poison event in a batch must
// still fail alone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS, createTestStore, type TestStore } from '../../../test/support/databases.ts';
import { createTenant } from '../../store/tenants.ts';
import { createDbQueue } from '../../queue/db-queue.ts';
import { insertEvents } from '../../store/events.ts';
import type { NewEvent } from '../../store/database.ts';
import { createLogger } from '../../lib/logger.ts';
import { SessionMemoryCache, buildTrackingEvent, type TrackRequest } from '../../domain/tracking/index.ts';
import { getGateway } from '../../domain/gateways/index.ts';
import { newId } from '../../lib/ids.ts';
import { webhookBody, type BenchGateway, type SaleEvent, type SaleFacts } from '../../../bench/match/gateway-bodies.ts';
import { createMatchHandler } from './match-handler.ts';
import { matchWorkerDeps } from './match-worker-deps.ts';

const MIN = 60_000;

describe.each(STORE_KINDS)('set-based match batches on %s', (kind) => {
  // Two databases with the same tenant id and the same events: one processed set-based, one event by event.
  let setBased: TestStore;
  let oneByOne: TestStore;
  let tenantId: string;
  const now = new Date();
  const sessions = new SessionMemoryCache();

  beforeAll(async () => {
    [setBased, oneByOne] = await Promise.all([createTestStore(kind), createTestStore(kind)]);
    const { tenant } = await createTenant(setBased.db, { name: 'Acme' });
    tenantId = tenant.id;
    const row = await setBased.db.selectFrom('tenants').selectAll().where('id', '=', tenantId).executeTakeFirstOrThrow();
    await oneByOne.db.insertInto('tenants').values(row).execute();
  });
  afterAll(async () => {
    await Promise.all([setBased?.dispose(), oneByOne?.dispose()]);
  });

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

  async function ingest(store: TestStore, events: NewEvent[]): Promise<void> {
    await store.db.transaction().execute(async (trx) => {
      const stored = await insertEvents(trx, events);
      await createDbQueue(store.db).enqueue(trx, 'ingest-events', stored.filter((s) => !s.duplicate).map((s) => ({ tenantId, payload: { eventId: s.id, tenantId } })));
    });
  }

  /** One claim of everything ready, handled as ONE batch; returns the outcomes and what the worker logged. */
  async function runBatch(store: TestStore, setBasedPath: boolean) {
    const lines: string[] = [];
    const logger = createLogger('warn', { write: (line: string) => void lines.push(line) });
    const queue = createDbQueue(store.db);
    const handler = createMatchHandler(matchWorkerDeps({ store, queue, logger }), { setBased: setBasedPath });
    const jobs = await queue.claim('ingest-events', { max: 500, visibilityMs: 60_000, workerId: 't' });
    const outcomes = await handler.handle(jobs);
    for (const [i, job] of jobs.entries()) {
      const outcome = outcomes[i]!;
      if (outcome.kind === 'ok') await queue.ack(job);
      else if (outcome.kind === 'retry') await queue.retry(job, { delayMs: 60_000, error: outcome.reason, maxAttempts: 8 });
      else if (outcome.kind === 'dead_letter') await queue.deadLetter(job, outcome.reason);
    }
    // Keyed by event: jobs enqueued together share run_at, so the claim order is not theirs to keep.
    const byEvent = Object.fromEntries(jobs.map((job, i) => [(job.payload as { eventId: string }).eventId, outcomes[i]!.kind]));
    return { outcomes: byEvent, fellBack: lines.some((l) => l.includes('redoing it event by event')) };
  }

  /** Everything the batch wrote, without the ids each run draws at random. */
  async function snapshot(store: TestStore) {
    const conversions = await store.db.selectFrom('conversions').selectAll().where('tenant_id', '=', tenantId).execute();
    const keyOf = new Map(conversions.map((c) => [c.id, `${c.gateway}/${c.transaction_id}/${c.kind}`]));
    const norm = (v: unknown) => JSON.parse(JSON.stringify(v).replace(/cnv_[A-Za-z0-9_-]+/g, (id) => keyOf.get(id) ?? 'unknown-conversion')) as unknown;
    const matches = await store.db.selectFrom('matches').selectAll().where('tenant_id', '=', tenantId).execute();
    const capi = await store.db.selectFrom('capi_events').select(['event_id', 'conversion_id', 'source_event_id', 'event_name', 'status', 'payload', 'last_error']).where('tenant_id', '=', tenantId).execute();
    const dedupe = await store.db.selectFrom('dedupe_registry').select(['key', 'conversion_id', 'event_id']).where('tenant_id', '=', tenantId).execute();
    const events = await store.db.selectFrom('events').select(['id', 'status', 'error', 'flags']).where('tenant_id', '=', tenantId).execute();
    const sessionRows = await store.db.selectFrom('sessions').selectAll().where('tenant_id', '=', tenantId).execute();
    const identities = await store.db.selectFrom('identities').selectAll().where('tenant_id', '=', tenantId).execute();
    const clicks = await store.db.selectFrom('clicks').selectAll().where('tenant_id', '=', tenantId).execute();
    const dispatchJobs = await store.db.selectFrom('jobs').select((eb) => eb.fn.countAll<string>().as('n')).where('queue', '=', 'capi-dispatch').executeTakeFirstOrThrow();
    const sort = <T>(rows: T[]) => rows.map(norm).sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
    return {
      conversions: sort(conversions.map(({ id, created_at: _created, updated_at: _updated, ...c }) => ({ ...c, id: keyOf.get(id) }))),
      matches: sort(matches.map(({ matched_at: _matchedAt, ...m }) => m)),
      capi: sort(capi),
      dedupe: sort(dedupe),
      events: sort(events),
      sessions: sort(sessionRows),
      identities: sort(identities),
      clicks: sort(clicks),
      dispatchJobs: Number(dispatchJobs.n),
    };
  }

  it('writes what the event-by-event path writes, for a batch that mixes every case', async () => {
    const clickAt = new Date(now.getTime() - 2 * 24 * 60 * MIN);
    const sidA = newId('sid');
    const sidB = newId('sid');
    const url = 'https://lp.example.com/?fbclid=IwAR1';
    const refundFirst = webhookEvent('hotmart', 'refund', { transactionId: 'HP-R1', sck: sidA });
    const events: NewEvent[] = [
      // A click, then later events of the same session in the same batch (successive session upserts).
      trackEvent('click', clickAt, { visitorId: 'vis_a', sessionId: sidA, url, fbclid: 'IwAR1', fbp: 'fb.1.1700000000000.1' }),
      trackEvent('pageview', new Date(clickAt.getTime() + 1000), { visitorId: 'vis_a', sessionId: sidA, url, eventId: 'pv-a' }),
      trackEvent('initiate_checkout', new Date(clickAt.getTime() + 2000), { visitorId: 'vis_a', sessionId: sidA, url, eventId: 'ic-a', user: { email: 'ana@example.com' } }),
      // An earlier event of that session processed after the later ones keeps the earliest landing data.
      trackEvent('pageview', new Date(clickAt.getTime() - 5000), { visitorId: 'vis_a', sessionId: sidA, url: 'https://lp.example.com/first', eventId: 'pv-a0' }),
      trackEvent('initiate_checkout', clickAt, { visitorId: 'vis_b', sessionId: sidB, url: 'https://lp.example.com/', eventId: 'ic-b', user: { email: 'bia@example.com', phone: '11 91234-5678' } }),
      // Pass-through purchase, delivered twice (APPROVED then COMPLETE) in the same batch.
      webhookEvent('hotmart', 'purchase', { transactionId: 'HP-P1', sck: sidA }),
      webhookEvent('hotmart', 'purchase_again', { transactionId: 'HP-P1', sck: sidA }),
      // A refund after its purchase in the batch inherits its match.
      webhookEvent('hotmart', 'refund', { transactionId: 'HP-P1', sck: sidA }),
      // A refund before its purchase in the batch: matched on its own, linked once the purchase is written.
      refundFirst,
      webhookEvent('hotmart', 'purchase', { transactionId: 'HP-R1', sck: sidA }),
      // Identity match and an unmatched one; Kiwify and Stripe too.
      webhookEvent('kiwify', 'purchase', { transactionId: 'KW-1', email: 'bia@example.com', phone: null }),
      webhookEvent('stripe', 'purchase', { transactionId: 'pi_1', email: 'nobody@example.com', sck: null }),
      webhookEvent('stripe', 'purchase_again', { transactionId: 'pi_1', email: 'nobody@example.com' }),
      // Waits for a session not stored yet: nothing of it may be written.
      webhookEvent('hotmart', 'purchase', { transactionId: 'HP-W1', sck: newId('sid'), occurredAt: new Date(now.getTime() - 10_000) }),
    ];
    // Job ids follow enqueue order, so both sides see the batch in the order above.
    await ingest(setBased, events);
    await ingest(oneByOne, events);

    const a = await runBatch(setBased, true);
    const b = await runBatch(oneByOne, false);
    expect(a.fellBack).toBe(false);
    expect(a.outcomes).toEqual(b.outcomes);
    expect(Object.values(a.outcomes).filter((o) => o === 'retry')).toHaveLength(1);
    const [sa, sb] = [await snapshot(setBased), await snapshot(oneByOne)];
    expect(sa).toEqual(sb);

    // And the cases themselves, on the set-based side.
    const conversions = await setBased.db.selectFrom('conversions').selectAll().where('tenant_id', '=', tenantId).execute();
    expect(conversions.filter((c) => c.transaction_id === 'HP-P1' && c.kind === 'purchase')).toHaveLength(1);
    expect(conversions.filter((c) => c.transaction_id === 'pi_1')).toHaveLength(1);
    expect(conversions.some((c) => c.transaction_id === 'HP-W1')).toBe(false);
    const purchaseR1 = conversions.find((c) => c.transaction_id === 'HP-R1' && c.kind === 'purchase')!;
    expect(conversions.find((c) => c.transaction_id === 'HP-R1' && c.kind === 'refund')!.related_id).toBe(purchaseR1.id);
    const dedupe = await setBased.db.selectFrom('dedupe_registry').select('key').where('tenant_id', '=', tenantId).execute();
    expect(dedupe.filter((d) => d.key.startsWith('delivery:'))).toHaveLength(events.filter((e) => e.type === 'webhook').length - 1);
    const session = await setBased.db.selectFrom('sessions').selectAll().where('tenant_id', '=', tenantId).where('id', '=', sidA).executeTakeFirstOrThrow();
    expect(session.landing_url).toBe('https://lp.example.com/first');

    // A second run of the same events (a replay of all of them) changes nothing on either side.
    const rerun = events.filter((e) => e.type === 'webhook' && e !== refundFirst);
    for (const store of [setBased, oneByOne]) {
      await store.db.transaction().execute((trx) =>
        createDbQueue(store.db).enqueue(trx, 'ingest-events', rerun.map((e) => ({ tenantId, payload: { eventId: e.id, tenantId } }))),
      );
    }
    await runBatch(setBased, true);
    await runBatch(oneByOne, false);
    expect(await snapshot(setBased)).toEqual(await snapshot(oneByOne));
  });

  it('redoes a batch with a poison event event by event: the poison one retries alone, the others are written', async () => {
    const poison = { ...trackEvent('pageview', now, { visitorId: 'vis_p', url: 'https://lp.example.com/' }), payload: JSON.stringify({ version: 99 }) };
    const good = webhookEvent('hotmart', 'purchase', { transactionId: 'HP-POISON-OK', email: 'zoe@example.com', phone: null });
    await ingest(setBased, [poison, good]);
    const { outcomes, fellBack } = await runBatch(setBased, true);
    expect(fellBack).toBe(true);
    expect(outcomes).toEqual({ [poison.id]: 'retry', [good.id]: 'ok' });
    const written = await setBased.db.selectFrom('conversions').select('status').where('tenant_id', '=', tenantId).where('transaction_id', '=', 'HP-POISON-OK').execute();
    expect(written).toHaveLength(1);
    const events = await setBased.db.selectFrom('events').select(['id', 'status']).where('id', 'in', [poison.id, good.id]).execute();
    expect(Object.fromEntries(events.map((e) => [e.id, e.status]))).toEqual({ [poison.id]: 'received', [good.id]: 'unmatched' });
  });
});
