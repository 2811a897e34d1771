// Guards the dispatcher's promises on a real database and a real (sandbox) Graph endpoint: every
// event is sent once per request with its attempt recorded, live events never carry a test event
// code, an unverified connection sends, retries are bounded, a refused token parks events and flags
// the connection until it is fixed, and one bad event in a batch fails alone.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { STORE_KINDS, createTestStore, type TestStore } from '../../../test/support/databases.ts';
import { createSecretBox } from '../../lib/secret-box.ts';
import { newId } from '../../lib/ids.ts';
import { createDbQueue } from '../../queue/db-queue.ts';
import type { Queue } from '../../queue/queue.ts';
import { createTenant } from '../../store/tenants.ts';
import { getConnection, upsertConnection } from '../../store/connections.ts';
import { createCapiEventsForDispatch } from '../../store/capi-events.ts';
import { listDispatchAttempts } from '../../store/dispatch-attempts.ts';
import { buildServerEvent, type MetaServerEvent } from '../../domain/meta/index.ts';
import { startMetaSandbox, type RunningMetaSandbox } from '../../sandbox/meta/index.ts';
import type { RunningWorker } from '../queue-runner.ts';
import { dispatchWorkerDeps, runDispatchWorker, type DispatchWorkerDeps } from './index.ts';

const box = createSecretBox(Buffer.alloc(32, 9));
const PIXEL = '1234567890';
const FAST_RETRIES = { baseMs: 40, capMs: 200, maxTotalMs: 24 * 3_600_000, minDelayMs: 20 };

function purchase(eventId: string, overrides: Partial<MetaServerEvent> = {}): MetaServerEvent {
  const built = buildServerEvent(
    {
      eventName: 'Purchase',
      eventTime: new Date(Date.now() - 60_000),
      eventId,
      eventSourceUrl: 'https://lp.example.com/oferta',
      user: { email: `${eventId}@example.com`, clientIpAddress: '189.100.1.2', clientUserAgent: 'Mozilla/5.0', fbc: 'fb.1.1764410000000.AbCdEf' },
      custom: { value: '197.00', currency: 'BRL' },
    },
    new Date(),
  );
  if (!built.ok) throw new Error(built.reason);
  return { ...built.event, ...overrides };
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe.each(STORE_KINDS)('dispatch worker on %s', (kind) => {
  let store: TestStore;
  let queue: Queue;
  let sandbox: RunningMetaSandbox;
  let worker: RunningWorker | undefined;

  beforeAll(async () => {
    store = await createTestStore(kind);
    queue = createDbQueue(store.db);
    sandbox = await startMetaSandbox({ hangMs: 3_000 });
  });
  afterAll(async () => {
    await sandbox?.close();
    await store?.dispose();
  });
  beforeEach(() => {
    sandbox.recorder.clear();
    sandbox.setFaults({ rate: 0, modes: [] });
  });
  afterEach(async () => {
    await worker?.stop();
    worker = undefined;
  });

  function start(overrides: Partial<DispatchWorkerDeps> = {}): DispatchWorkerDeps {
    const deps = dispatchWorkerDeps({
      store,
      queue,
      box,
      graphUrl: sandbox.url,
      retryPolicy: FAST_RETRIES,
      resumeIntervalMs: 50,
      ...overrides,
    });
    worker = runDispatchWorker(deps, `test-${newId('job')}`, { idleMs: 20 });
    return deps;
  }

  async function tenantWithMeta(options: { token?: string; testEventCode?: string | null; connect?: boolean } = {}) {
    const { tenant } = await createTenant(store.db, { name: 'Acme Cursos' });
    if (options.connect !== false) await connectMeta(tenant.id, options.token ?? 'EAAB-good-token', options.testEventCode ?? null);
    return tenant.id;
  }

  async function connectMeta(tenantId: string, token: string, testEventCode: string | null = null) {
    await upsertConnection(store.db, box, tenantId, {
      kind: 'meta',
      settings: { pixelId: PIXEL, testEventCode, graphApiVersion: null },
      secret: { accessToken: token },
      hintOf: token,
    });
  }

  /** A source webhook event and one pending CAPI event per server event, with their jobs. */
  async function enqueue(tenantId: string, events: MetaServerEvent[]) {
    const sourceId = newId('evt');
    await store.db
      .insertInto('events')
      .values({ id: sourceId, tenant_id: tenantId, type: 'webhook', gateway: 'hotmart', delivery_key: sourceId, status: 'matched', flags: [], occurred_at: new Date() })
      .execute();
    const created = await store.db.transaction().execute((trx) =>
      createCapiEventsForDispatch(
        trx,
        queue,
        events.map((e) => ({
          tenantId,
          eventId: e.event_id,
          conversionId: null,
          sourceEventId: sourceId,
          eventName: e.event_name,
          status: 'pending' as const,
          payload: e as unknown as Record<string, unknown>,
        })),
      ),
    );
    return { sourceId, ids: created.map((c) => c.id) };
  }

  const capi = (tenantId: string, id: string) =>
    store.db.selectFrom('capi_events').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirstOrThrow();
  const sourceStatus = async (tenantId: string, id: string) =>
    (await store.db.selectFrom('events').select('status').where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirstOrThrow()).status;
  /** True when every event has one of the statuses (one query, cheap enough to poll on PGlite). */
  const allIn = async (tenantId: string, ids: string[], statuses: string[]) => {
    const rows = await store.db.selectFrom('capi_events').select('status').where('tenant_id', '=', tenantId).where('id', 'in', ids).execute();
    return rows.length === ids.length && rows.every((r) => statuses.includes(r.status));
  };
  const jobsFor = async (ids: string[]) =>
    (await store.db.selectFrom('jobs').select(['id', 'payload']).where('queue', '=', 'capi-dispatch').execute()).filter((j) =>
      ids.includes((j.payload as { capiEventId: string }).capiEventId),
    );

  it('sends a group in one request, records the attempt and settles the source event', async () => {
    const tenantId = await tenantWithMeta();
    const { sourceId, ids } = await enqueue(tenantId, [purchase('ord-1'), purchase('ord-2'), purchase('ord-3')]);
    start();
    await waitFor('all sent', () => allIn(tenantId, ids, ['sent']));

    expect(sandbox.recorder.stats()).toMatchObject({ requests: 1, accepted: 3, duplicates: 0 });
    const recorded = sandbox.recorder.events({ pixelId: PIXEL });
    expect(recorded.map((e) => e.eventId).sort()).toEqual(['ord-1', 'ord-2', 'ord-3']);

    const row = await capi(tenantId, ids[0]!);
    expect(row).toMatchObject({ attempts: 1, last_error: null, next_attempt_at: null });
    expect(row.sent_at).not.toBeNull();
    const [attempt, ...more] = await listDispatchAttempts(store.db, tenantId, ids[0]!);
    expect(more).toHaveLength(0);
    expect(attempt).toMatchObject({ outcome: 'ok', http_status: 200, events_received: 3, error_code: null, next_retry_at: null });
    expect(attempt!.fbtrace_id).toMatch(/^\S{11}$/);
    expect(attempt!.duration_ms).toBeGreaterThanOrEqual(0);
    expect(await sourceStatus(tenantId, sourceId)).toBe('dispatched');
    await waitFor('jobs acknowledged', async () => (await jobsFor(ids)).length === 0);
  });

  it("sends live events without the connection's test event code (it is for test events only)", async () => {
    const tenantId = await tenantWithMeta({ testEventCode: 'TEST123' });
    const { ids } = await enqueue(tenantId, [purchase('ord-live-1'), purchase('ord-live-2')]);
    // What went over the wire, not only what the sandbox made of it.
    const bodies: string[] = [];
    const recordingFetch: typeof fetch = async (input, init) => {
      bodies.push(String(init?.body ?? ''));
      return fetch(input, init);
    };
    start({ fetchImpl: recordingFetch });
    await waitFor('all sent', () => allIn(tenantId, ids, ['sent']));
    const recorded = sandbox.recorder.events({ pixelId: PIXEL });
    expect(recorded.map((e) => [e.eventId, e.testEventCode]).sort()).toEqual([['ord-live-1', null], ['ord-live-2', null]]);
    expect(bodies).toHaveLength(1);
    expect(bodies[0]).not.toContain('test_event_code');
    expect(bodies[0]).not.toContain('TEST123');
  });

  it('sends with an unverified connection (not checked is not broken) and marks it healthy once Meta accepts', async () => {
    const { tenant } = await createTenant(store.db, { name: 'Unverified' });
    await upsertConnection(store.db, box, tenant.id, {
      kind: 'meta',
      settings: { pixelId: PIXEL, testEventCode: null, graphApiVersion: null },
      secret: { accessToken: 'EAAB-unchecked-token' },
      hintOf: 'EAAB-unchecked-token',
      health: 'unverified',
      healthReason: 'Meta did not answer within 5 s, so the token could not be checked.',
    });
    const { ids } = await enqueue(tenant.id, [purchase('ord-unverified')]);
    start();
    await waitFor('sent', () => allIn(tenant.id, ids, ['sent']));
    await waitFor('healthy', async () => (await getConnection(store.db, tenant.id, 'meta'))!.health === 'healthy');
    expect((await getConnection(store.db, tenant.id, 'meta'))!.health_reason).toBeNull();
  });

  it('retries a 5xx with backoff, recording each attempt with its next retry, until Meta accepts', async () => {
    const tenantId = await tenantWithMeta();
    sandbox.setFaults({ rate: 1, modes: ['5xx'], seed: 1 });
    const { ids } = await enqueue(tenantId, [purchase('ord-retry')]);
    start();
    const id = ids[0]!;
    await waitFor('two failed attempts', async () => (await listDispatchAttempts(store.db, tenantId, id)).length >= 2);
    const pending = await capi(tenantId, id);
    expect(pending.status).toBe('pending');
    expect(pending.last_error).toMatch(/temporary problem: HTTP 50[03], code 2/);
    expect(pending.first_attempt_at).not.toBeNull();
    const failed = await listDispatchAttempts(store.db, tenantId, id);
    expect(failed[0]).toMatchObject({ outcome: 'retry', error_code: 2 });
    expect(failed[0]!.next_retry_at).not.toBeNull();

    sandbox.setFaults({ rate: 0, modes: [] });
    await waitFor('sent', async () => (await capi(tenantId, id)).status === 'sent');
    const attempts = await listDispatchAttempts(store.db, tenantId, id);
    expect(attempts.at(-1)).toMatchObject({ outcome: 'ok', http_status: 200 });
    expect((await capi(tenantId, id)).attempts).toBe(attempts.length);
    expect(sandbox.recorder.stats()).toMatchObject({ accepted: 1, distinctEventIds: 1 });
  });

  it('honours a timeout as retryable and never counts an event twice at Meta', async () => {
    const tenantId = await tenantWithMeta();
    sandbox.setFaults({ rate: 0.5, modes: ['timeout', 'throttle', '5xx'], seed: 7 });
    const { ids } = await enqueue(tenantId, Array.from({ length: 20 }, (_, i) => purchase(`ord-mix-${i}`)));
    start({ requestTimeoutMs: 500 });
    await waitFor('all sent', () => allIn(tenantId, ids, ['sent']), 20_000);
    expect(sandbox.recorder.stats().distinctEventIds).toBe(20);
    // An event reaches Meta again only after a request that got no answer (Meta deduplicates those).
    for (const [eventId, count] of sandbox.recorder.countByEventId()) {
      if (count === 1) continue;
      const row = await store.db.selectFrom('capi_events').select('id').where('tenant_id', '=', tenantId).where('event_id', '=', eventId).executeTakeFirstOrThrow();
      const unanswered = (await listDispatchAttempts(store.db, tenantId, row.id)).filter((a) => a.http_status === null);
      expect(unanswered.length).toBeGreaterThanOrEqual(count - 1);
    }
  });

  it('gives up after the retry window with the last reason, and marks the source event failed', async () => {
    const tenantId = await tenantWithMeta();
    sandbox.setFaults({ rate: 1, modes: ['5xx'] });
    const { sourceId, ids } = await enqueue(tenantId, [purchase('ord-giveup')]);
    const id = ids[0]!;
    // The first attempt was 25 hours ago: the next failure exhausts the 24 h window.
    await store.db.updateTable('capi_events').set({ first_attempt_at: new Date(Date.now() - 25 * 3_600_000) }).where('id', '=', id).execute();
    start();
    await waitFor('failed', async () => (await capi(tenantId, id)).status === 'failed');
    expect((await capi(tenantId, id)).last_error).toMatch(/^gave up after 24 h: Meta had a temporary problem/);
    expect(await sourceStatus(tenantId, sourceId)).toBe('failed');
    await waitFor('job acknowledged', async () => (await jobsFor(ids)).length === 0);
  });

  it('parks events on a refused token, flags the connection, holds later events, and resumes when the token is fixed', async () => {
    const tenantId = await tenantWithMeta({ token: 'invalid-token' });
    const first = await enqueue(tenantId, [purchase('ord-tok-1'), purchase('ord-tok-2')]);
    start();
    await waitFor('waiting', () => allIn(tenantId, first.ids, ['waiting']));
    const connection = await getConnection(store.db, tenantId, 'meta');
    expect(connection).toMatchObject({ health: 'unhealthy' });
    expect(connection!.health_reason).toMatch(/access token was refused.*code 190/);
    expect((await capi(tenantId, first.ids[0]!)).last_error).toMatch(/^waiting for a working Meta token/);
    const [refusal] = await listDispatchAttempts(store.db, tenantId, first.ids[0]!);
    expect(refusal).toMatchObject({ outcome: 'invalid_token', error_code: 190 });

    // Later events wait without a request to Meta.
    const requestsBefore = sandbox.recorder.stats().requests;
    const later = await enqueue(tenantId, [purchase('ord-tok-3')]);
    await waitFor('later waiting', async () => (await capi(tenantId, later.ids[0]!)).status === 'waiting');
    expect((await capi(tenantId, later.ids[0]!)).last_error).toMatch(/Meta connection is unhealthy/);
    expect(sandbox.recorder.stats().requests).toBe(requestsBefore);
    expect(await listDispatchAttempts(store.db, tenantId, later.ids[0]!)).toHaveLength(0);
    await waitFor('no jobs left', async () => (await jobsFor([...first.ids, ...later.ids])).length === 0);

    await connectMeta(tenantId, 'EAAB-fixed-token');
    const all = [...first.ids, ...later.ids];
    await waitFor('resumed and sent', () => allIn(tenantId, all, ['sent']));
    expect(sandbox.recorder.stats()).toMatchObject({ accepted: 3, distinctEventIds: 3, duplicates: 0 });
    // The time spent waiting does not count against the retry window.
    expect((await capi(tenantId, first.ids[0]!)).first_attempt_at!.getTime()).toBeGreaterThan(refusal!.attempted_at.getTime());
  });

  it('splits a rejected batch to fail only the bad event', async () => {
    const tenantId = await tenantWithMeta();
    const good = Array.from({ length: 6 }, (_, i) => purchase(`ord-batch-${i}`));
    const bad = purchase('ord-batch-bad');
    bad.user_data = { ...bad.user_data, em: ['not-hashed@example.com'] };
    const { sourceId, ids } = await enqueue(tenantId, [...good.slice(0, 3), bad, ...good.slice(3)]);
    start();
    await waitFor('settled', () => allIn(tenantId, ids, ['sent', 'failed']));
    const rows = await Promise.all(ids.map((id) => capi(tenantId, id)));
    const failed = rows.filter((r) => r.status === 'failed');
    expect(failed.map((r) => r.event_id)).toEqual(['ord-batch-bad']);
    expect(failed[0]!.last_error).toMatch(/Meta rejected the events.*must be SHA-256 hashed/);
    expect(sandbox.recorder.stats()).toMatchObject({ accepted: 6, distinctEventIds: 6, duplicates: 0 });
    // 7 events: the batch, halves of 4 and 3, then 2+2 inside the bad half, then the bad pair's 1+1.
    const badAttempts = await listDispatchAttempts(store.db, tenantId, failed[0]!.id);
    expect(badAttempts.length).toBeGreaterThanOrEqual(3);
    expect(badAttempts[0]!.error_message).toMatch(/^a batch of 7 was rejected; sent again in halves/);
    expect(badAttempts.at(-1)).toMatchObject({ outcome: 'invalid_data', error_code: 100 });
    expect(await sourceStatus(tenantId, sourceId)).toBe('failed');
  });

  it('parks events without a Meta connection and sends them once Meta is connected', async () => {
    const tenantId = await tenantWithMeta({ connect: false });
    const { sourceId, ids } = await enqueue(tenantId, [purchase('ord-noconn')]);
    start();
    await waitFor('waiting', async () => (await capi(tenantId, ids[0]!)).status === 'waiting');
    expect((await capi(tenantId, ids[0]!)).last_error).toMatch(/^no Meta connection/);
    await connectMeta(tenantId, 'EAAB-first-token');
    await waitFor('sent', async () => (await capi(tenantId, ids[0]!)).status === 'sent');
    expect(await sourceStatus(tenantId, sourceId)).toBe('dispatched');
  });

  it('refuses to send an event that became too old while it waited', async () => {
    const tenantId = await tenantWithMeta();
    const stale = purchase('ord-stale', { event_time: Math.floor(Date.now() / 1000) - 7 * 86_400 });
    const { ids } = await enqueue(tenantId, [stale, purchase('ord-fresh')]);
    start();
    await waitFor('settled', async () => (await capi(tenantId, ids[1]!)).status === 'sent');
    const row = await waitFor('not sendable', async () => {
      const r = await capi(tenantId, ids[0]!);
      return r.status === 'not_sendable' && r;
    });
    expect(row.last_error).toMatch(/Meta accepts events up to 7 days old/);
    expect(sandbox.recorder.events({ eventId: 'ord-stale' })).toHaveLength(0);
  });

  it('keeps tenants apart: each group goes to its own connection', async () => {
    const a = await tenantWithMeta({ token: 'EAAB-a' });
    const b = await tenantWithMeta({ token: 'invalid-b' });
    const ea = await enqueue(a, [purchase('same-id')]);
    const eb = await enqueue(b, [purchase('same-id')]);
    start();
    await waitFor('a sent', async () => (await capi(a, ea.ids[0]!)).status === 'sent');
    await waitFor('b waiting', async () => (await capi(b, eb.ids[0]!)).status === 'waiting');
    expect((await getConnection(store.db, a, 'meta'))!.health).toBe('healthy');
    expect((await getConnection(store.db, b, 'meta'))!.health).toBe('unhealthy');
  });

  it('does not flag a token that the operator replaced while the refused request was in flight', async () => {
    const tenantId = await tenantWithMeta({ token: 'invalid-old' });
    const { ids } = await enqueue(tenantId, [purchase('ord-race')]);
    // The fetch replaces the token in the database before Meta's refusal comes back.
    const racingFetch: typeof fetch = async (input, init) => {
      await connectMeta(tenantId, 'EAAB-new-token');
      return fetch(input, init);
    };
    start({ fetchImpl: racingFetch });
    await waitFor('sent', async () => (await capi(tenantId, ids[0]!)).status === 'sent');
    expect((await getConnection(store.db, tenantId, 'meta'))!.health).toBe('healthy');
    const attempts = await listDispatchAttempts(store.db, tenantId, ids[0]!);
    expect(attempts.map((a) => a.outcome)).toEqual(['invalid_token', 'ok']);
  });
});
