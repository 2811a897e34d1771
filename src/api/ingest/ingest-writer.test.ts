// Guards "a 2xx means durable": group-committed writes land with their jobs, duplicates are detected
// even when they arrive together, and one bad row never fails its neighbours.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS, createTestStore, type TestStore } from '../../../test/support/databases.ts';
import { SQSClient } from '@aws-sdk/client-sqs';
import { createDbQueue } from '../../queue/db-queue.ts';
import { createSqsQueue } from '../../queue/sqs-queue.ts';
import { createTenant } from '../../store/tenants.ts';
import { newId } from '../../lib/ids.ts';
import { createIngestWriter } from './ingest-writer.ts';
import type { NewEvent } from '../../store/database.ts';

describe.each(STORE_KINDS)('ingest writer on %s', (kind) => {
  let store: TestStore;
  let tenantId: string;
  beforeAll(async () => {
    store = await createTestStore(kind);
    tenantId = (await createTenant(store.db, { name: 'Writer' })).tenant.id;
  });
  afterAll(async () => {
    await store?.dispose();
  });

  const event = (over: Partial<NewEvent> = {}): NewEvent => ({
    id: newId('evt'),
    tenant_id: tenantId,
    type: 'webhook',
    gateway: 'hotmart',
    delivery_key: newId('rpl'),
    occurred_at: new Date(),
    flags: [],
    payload: null,
    raw_body: Buffer.from('{}'),
    raw_headers: null,
    evidence_ref: null,
    client_ip: null,
    user_agent: null,
    error: null,
    ...over,
  });

  it('writes 200 concurrent events, each with exactly one job', async () => {
    const queue = createDbQueue(store.db);
    const writer = createIngestWriter(store, queue);
    const results = await Promise.all(Array.from({ length: 200 }, () => writer.write({ event: event(), enqueue: true })));
    expect(results.every((r) => !r.duplicate)).toBe(true);
    const ids = results.map((r) => r.id);
    const rows = await store.db.selectFrom('events').select('id').where('id', 'in', ids).execute();
    expect(rows).toHaveLength(200);
    const jobs = await store.db.selectFrom('jobs').select('payload').where('queue', '=', 'ingest-events').execute();
    const jobEventIds = jobs.map((j) => (j.payload as { eventId: string }).eventId).filter((id) => ids.includes(id));
    expect(new Set(jobEventIds).size).toBe(200);
    expect(jobEventIds).toHaveLength(200);
  });

  it('20 concurrent copies of one delivery make one event and one job', async () => {
    const queue = createDbQueue(store.db);
    const writer = createIngestWriter(store, queue);
    const key = 'hotmart-delivery-xyz';
    const results = await Promise.all(
      Array.from({ length: 20 }, () => writer.write({ event: event({ delivery_key: key }), enqueue: true })),
    );
    expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    const jobs = await store.db.selectFrom('jobs').select('payload').execute();
    expect(jobs.filter((j) => (j.payload as { eventId: string }).eventId === results[0]!.id)).toHaveLength(1);
    // and a later retry of the same delivery is a duplicate too
    const again = await writer.write({ event: event({ delivery_key: key }), enqueue: true });
    expect(again).toEqual({ id: results[0]!.id, duplicate: true });
  });

  it('under the SQS driver, the jobs land in the outbox in the same statement and the relay is told', async () => {
    let nudges = 0;
    // Writing needs no SQS: the relay publishes later. The client is never called here.
    const client = new SQSClient({ region: 'us-east-1', endpoint: 'http://127.0.0.1:9', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
    const queue = createSqsQueue({ db: store.db, prefix: 'writer-', client, onEnqueue: () => nudges++ });
    const writer = createIngestWriter(store, queue);
    const key = newId('rpl');
    const [first, again, evidenceOnly] = await Promise.all([
      writer.write({ event: event({ delivery_key: key }), enqueue: true }),
      writer.write({ event: event({ delivery_key: key }), enqueue: true }),
      writer.write({ event: event(), enqueue: false }),
    ]);
    expect(again).toEqual({ id: first!.id, duplicate: true });
    const outbox = await store.db.selectFrom('outbox').select(['id', 'queue', 'tenant_id', 'payload', 'locked_until']).execute();
    const mine = outbox.filter((r) => [first!.id, evidenceOnly!.id].includes((r.payload as { eventId: string }).eventId));
    expect(mine).toEqual([{ id: expect.stringMatching(/^obx_/), queue: 'ingest-events', tenant_id: tenantId, payload: { eventId: first!.id, tenantId }, locked_until: null }]);
    expect(nudges).toBeGreaterThan(0);
    expect(await store.db.selectFrom('jobs').select('id').where(sql<string>`payload->>'eventId'`, '=', first!.id).execute()).toEqual([]);
  });

  it('a bad row fails alone', async () => {
    const queue = createDbQueue(store.db);
    const writer = createIngestWriter(store, queue);
    const good = Array.from({ length: 5 }, () => writer.write({ event: event(), enqueue: true }));
    const bad = writer.write({ event: event({ tenant_id: 'ten_missing' }), enqueue: true });
    await expect(bad).rejects.toThrow();
    expect((await Promise.all(good)).every((r) => !r.duplicate)).toBe(true);
  });

  it('keeps every column exactly: raw bytes that are not UTF-8, headers, flags, status, no job when asked for none', async () => {
    const queue = createDbQueue(store.db);
    const writer = createIngestWriter(store, queue);
    const raw = Buffer.from([0x00, 0xff, 0xfe, 0x7b, 0x22, 0xc3, 0x28, 0x0a]);
    const occurredAt = new Date('2026-01-02T03:04:05.678Z');
    const row = event({
      raw_body: raw,
      raw_headers: { 'content-type': 'application/json', 'user-agent': 'Hotmart/2.0 "quoted" \\ back' } as never,
      flags: ['unprocessable', 'not_json'],
      status: 'unprocessable',
      occurred_at: occurredAt,
      payload: JSON.stringify({ q: { a: 'ção' } }),
      client_ip: '2001:db8::1',
      error: "body isn't JSON",
    });
    const written = await writer.write({ event: row, enqueue: false });
    const stored = await store.db.selectFrom('events').selectAll().where('id', '=', written.id).executeTakeFirstOrThrow();
    expect(Buffer.from(stored.raw_body!).equals(raw)).toBe(true);
    expect(stored.raw_headers).toEqual({ 'content-type': 'application/json', 'user-agent': 'Hotmart/2.0 "quoted" \\ back' });
    expect(stored).toMatchObject({ flags: ['unprocessable', 'not_json'], status: 'unprocessable', client_ip: '2001:db8::1', error: "body isn't JSON", payload: { q: { a: 'ção' } } });
    expect(new Date(stored.occurred_at).toISOString()).toBe(occurredAt.toISOString());
    const jobs = await store.db.selectFrom('jobs').select('payload').execute();
    expect(jobs.some((j) => (j.payload as { eventId: string }).eventId === written.id)).toBe(false);
  });
});
