// Guards replay and reprocess: replaying an event sends its CAPI event to Meta again under the same
// event_id (Meta deduplicates) without creating anything new; `hub reprocess` re-normalizes a webhook
// that was stored unprocessable once the parser understands it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, buildTestApp, createTenantViaApi, type TestApp } from '../support/app.ts';
import { createTestStore, type TestStore } from '../support/databases.ts';
import { gatewayFixture, signedHotmart } from '../support/signed-webhooks.ts';
import { startMetaSandbox, type RunningMetaSandbox } from '../../src/sandbox/meta/index.ts';
import { createMatchHandler, matchWorkerDeps } from '../../src/workers/match/index.ts';
import { createDispatchHandler, dispatchWorkerDeps } from '../../src/workers/dispatch/index.ts';
import { replayRange } from '../../src/cli/replay.ts';
import { newId } from '../../src/lib/ids.ts';
import type { QueueName } from '../../src/queue/queue.ts';

const HOTTOK = 'hottok-replay-test-01';

describe('replay and reprocess (PostgreSQL)', () => {
  let store: TestStore;
  let t: TestApp;
  let sandbox: RunningMetaSandbox;
  let tenant: Awaited<ReturnType<typeof createTenantViaApi>>;

  beforeAll(async () => {
    store = await createTestStore('postgres');
    sandbox = await startMetaSandbox({ port: 0, host: '127.0.0.1' });
    t = await buildTestApp({ store, config: { databaseUrl: store.url, metaGraphUrl: sandbox.url } });
    tenant = await createTenantViaApi(t.app, 'Replay');
    await t.app.inject({ method: 'PUT', url: '/api/v1/connections/hotmart', headers: bearer(tenant.secretKey), payload: { hottok: HOTTOK } });
    await t.app.inject({ method: 'PUT', url: '/api/v1/connections/meta', headers: bearer(tenant.secretKey), payload: { pixelId: '99887766554', accessToken: 'EAAreplaytoken' } });
  });
  afterAll(async () => {
    await t?.close();
    await sandbox?.close();
    await store?.dispose();
  });

  async function drain(queue: QueueName) {
    const handler =
      queue === 'ingest-events'
        ? createMatchHandler(matchWorkerDeps({ store, queue: t.deps.queue }))
        : createDispatchHandler(dispatchWorkerDeps({ store, queue: t.deps.queue, box: t.deps.box, graphUrl: sandbox.url }));
    for (;;) {
      const jobs = await t.deps.queue.claim(queue, { max: 100, visibilityMs: 30_000, workerId: 'test' });
      if (jobs.length === 0) return;
      const outcomes = await handler.handle(jobs);
      for (const [i, o] of outcomes.entries()) if (o.kind === 'ok') await t.deps.queue.ack(jobs[i]!);
    }
  }

  function purchase(transaction: string) {
    const base = gatewayFixture('hotmart', 'purchase-approved') as { data: { purchase: Record<string, unknown> } };
    const now = Date.now();
    return { ...base, id: `delivery-${transaction}`, creation_date: now, data: { ...base.data, purchase: { ...base.data.purchase, transaction, approved_date: now - 1000, order_date: now - 2000 } } };
  }

  it('replays an event: same event_id at Meta, nothing created twice', async () => {
    const d = signedHotmart(tenant.id, HOTTOK, purchase('HP-REPLAY-1'));
    const res = await t.app.inject({ method: 'POST', url: d.url, headers: d.headers, payload: d.body });
    const eventId = res.json().id as string;
    await drain('ingest-events');
    await drain('capi-dispatch');
    const first = sandbox.recorder.events().filter((e) => e.eventName === 'Purchase');
    expect(first).toHaveLength(1);

    const replay = await t.app.inject({ method: 'POST', url: `/api/v1/replay/${eventId}`, headers: bearer(tenant.secretKey) });
    expect(replay.statusCode).toBe(202);
    await drain('ingest-events');
    await drain('capi-dispatch');
    const after = sandbox.recorder.events().filter((e) => e.eventName === 'Purchase');
    expect(after).toHaveLength(2);
    expect(after[1]!.eventId).toBe(first[0]!.eventId);
    const conversions = await store.db.selectFrom('conversions').select('id').where('tenant_id', '=', tenant.id).execute();
    expect(conversions).toHaveLength(1);
    const story = (await t.app.inject({ url: `/api/v1/events/${eventId}`, headers: bearer(tenant.secretKey) })).json();
    expect(story.capiEvents[0].status).toBe('sent');
    expect(story.capiEvents[0].dispatchAttempts).toHaveLength(2);
  });

  it('reprocesses a webhook stored as unprocessable', async () => {
    // As if an older parser had not understood this delivery: stored raw, flagged, no job.
    const body = JSON.stringify(purchase('HP-REPROCESS-1'));
    const id = newId('evt');
    await store.db
      .insertInto('events')
      .values({
        id,
        tenant_id: tenant.id,
        type: 'webhook',
        gateway: 'hotmart',
        delivery_key: 'sha256:old',
        status: 'unprocessable',
        flags: ['unprocessable'],
        occurred_at: new Date(),
        payload: JSON.stringify({ query: {} }),
        raw_body: Buffer.from(body),
        raw_headers: JSON.stringify({}),
        evidence_ref: null,
        client_ip: null,
        user_agent: null,
        error: 'unknown shape (old parser)',
      })
      .execute();
    const { queued } = await replayRange(t.deps.config, { tenant: tenant.id, gateway: 'hotmart', wait: false }, 'reprocess');
    expect(queued).toBeGreaterThanOrEqual(1);
    await drain('ingest-events');
    const conversion = await store.db.selectFrom('conversions').select(['event_id', 'transaction_id']).where('transaction_id', '=', 'HP-REPROCESS-1').executeTakeFirst();
    expect(conversion).toEqual({ event_id: id, transaction_id: 'HP-REPROCESS-1' });
    const event = await store.db.selectFrom('events').select('status').where('id', '=', id).executeTakeFirstOrThrow();
    expect(['matched', 'unmatched']).toContain(event.status);
  });
});
