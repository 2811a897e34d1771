// Ingested events (track calls and webhook deliveries): the durable record behind every 2xx.
import { sql, type Transaction } from 'kysely';
import type { Db, Store } from './connect.ts';
import type { Database, EventStatus, NewEvent } from './database.ts';
import { newId } from '../lib/ids.ts';
import type { ProducerTable } from '../queue/queue.ts';

export interface InsertedEvent {
  id: string;
  /** True when an event with the same delivery key existed: nothing new was written. */
  duplicate: boolean;
}

/**
 * Inserts a batch of events, skipping those whose (tenant, type, gateway, delivery_key) exists, and
 * returns for each input its id (the existing one for a duplicate) in input order.
 */
export async function insertEvents(trx: Transaction<Database>, rows: NewEvent[]): Promise<InsertedEvent[]> {
  if (rows.length === 0) return [];
  const inserted = await trx
    .insertInto('events')
    .values(rows)
    .onConflict((oc) => oc.doNothing())
    .returning('id')
    .execute();
  return resolveDuplicates(trx, rows, new Set(inserted.map((r) => r.id)));
}

/** Input order's ids: the new ones, and for a skipped row the id of the event that holds its key. */
async function resolveDuplicates(db: Db | Transaction<Database>, rows: NewEvent[], insertedIds: Set<string>): Promise<InsertedEvent[]> {
  const missing = rows.filter((r) => !insertedIds.has(r.id));
  const existing = new Map<string, string>();
  // Within one batch two rows may share a key: the second is a duplicate of the first.
  for (const r of missing) {
    if (r.delivery_key == null) continue;
    const found = await db
      .selectFrom('events')
      .select('id')
      .where('tenant_id', '=', r.tenant_id)
      .where('type', '=', r.type)
      .where(sql<string>`coalesce(gateway, '')`, '=', r.gateway ?? '')
      .where('delivery_key', '=', r.delivery_key)
      .executeTakeFirst();
    if (found) existing.set(r.id, found.id);
  }
  return rows.map((r) => {
    if (insertedIds.has(r.id)) return { id: r.id, duplicate: false };
    const id = existing.get(r.id);
    if (!id) throw new Error('event neither inserted nor found');
    return { id, duplicate: true };
  });
}

/** An event to write, with the payload of its ingest job when it should get one. */
export interface EventWithJob {
  event: NewEvent;
  /** The `ingest-events` job's payload, or null for an event kept only as evidence. */
  job: Record<string, unknown> | null;
}

/**
 * Writes a batch of events and, for each new one that asks for it, its `ingest-events` row in the
 * queue driver's producer table (`jobs` for the database queue, the `outbox` for SQS) — in ONE
 * autocommitted statement: the rows travel as one JSON parameter and data-modifying CTEs insert both,
 * so a committed event always has its job. That is one round trip per batch, of a statement prepared
 * once per connection (its text never changes, whatever the batch size), instead of BEGIN, two INSERTs
 * and COMMIT: most of what a durable write costs the API at thousands of requests a second. Duplicates
 * (an existing or an earlier row of the batch with the same delivery key) get no job and are answered
 * with the existing id.
 */
export async function insertEventsWithJobs(store: Store, producer: ProducerTable, rows: EventWithJob[]): Promise<InsertedEvent[]> {
  if (rows.length === 0) return [];
  const input = JSON.stringify(
    rows.map(({ event: e, job }) => ({
      id: e.id,
      tenant_id: e.tenant_id,
      type: e.type,
      gateway: e.gateway ?? null,
      delivery_key: e.delivery_key ?? null,
      status: e.status ?? 'received',
      flags: e.flags ?? [],
      occurred_at: e.occurred_at instanceof Date ? e.occurred_at.toISOString() : e.occurred_at,
      payload: e.payload ?? null,
      raw_body: e.raw_body ? (Buffer.isBuffer(e.raw_body) ? e.raw_body : Buffer.from(e.raw_body)).toString('base64') : null,
      raw_headers: typeof e.raw_headers === 'string' ? JSON.parse(e.raw_headers) : (e.raw_headers ?? null),
      evidence_ref: e.evidence_ref ?? null,
      client_ip: e.client_ip ?? null,
      user_agent: e.user_agent ?? null,
      error: e.error ?? null,
      job_id: job ? newId(producer.idPrefix) : null,
      job_payload: job ? JSON.stringify(job) : null,
    })),
  );
  const inserted = await store.prepared<{ id: string }>(`hub_insert_events_with_${producer.table}`, INSERT_EVENTS_WITH_JOBS[producer.table], [input]);
  if (rows.some((r) => r.job) && producer.written) producer.written();
  return resolveDuplicates(store.db, rows.map((r) => r.event), new Set(inserted.map((r) => r.id)));
}

const insertEventsWithJobsInto = (table: ProducerTable['table']) => `WITH input AS (
    SELECT * FROM jsonb_to_recordset($1::jsonb) AS t(
      id text, tenant_id text, type text, gateway text, delivery_key text, status text, flags text[],
      occurred_at timestamptz, payload text, raw_body text, raw_headers jsonb, evidence_ref text,
      client_ip text, user_agent text, error text, job_id text, job_payload text)
  ), inserted AS (
    INSERT INTO events (id, tenant_id, type, gateway, delivery_key, status, flags, occurred_at, payload,
                        raw_body, raw_headers, evidence_ref, client_ip, user_agent, error)
    SELECT id, tenant_id, type, gateway, delivery_key, status, flags, occurred_at, payload::jsonb,
           decode(raw_body, 'base64'), raw_headers, evidence_ref, client_ip, user_agent, error
    FROM input
    ON CONFLICT DO NOTHING
    RETURNING id
  ), jobs AS (
    INSERT INTO ${table} (id, queue, tenant_id, payload)
    SELECT input.job_id, 'ingest-events', input.tenant_id, input.job_payload::jsonb
    FROM input JOIN inserted USING (id)
    WHERE input.job_id IS NOT NULL
  )
  SELECT id FROM inserted`;
const INSERT_EVENTS_WITH_JOBS = { jobs: insertEventsWithJobsInto('jobs'), outbox: insertEventsWithJobsInto('outbox') };

export async function findEvent(db: Db, tenantId: string, id: string) {
  return db.selectFrom('events').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
}

/** Several events in one query (a worker's claimed batch); missing ones are simply absent. */
export async function findEvents(db: Db | Transaction<Database>, refs: Array<{ tenantId: string; id: string }>) {
  if (refs.length === 0) return [];
  // The refs travel as two arrays, so the statement's text is the same for any batch size (an OR per
  // ref made a new statement, parsed and planned anew, for every size).
  return db
    .selectFrom('events')
    .selectAll()
    .where(sql<boolean>`(tenant_id, id) IN (SELECT * FROM unnest(${refs.map((r) => r.tenantId)}::text[], ${refs.map((r) => r.id)}::text[]))`)
    .execute();
}

export async function setEventStatus(
  db: Db | Transaction<Database>,
  tenantId: string,
  id: string,
  status: EventStatus,
  extra: { error?: string | null; flags?: string[] } = {},
): Promise<void> {
  await db
    .updateTable('events')
    .set({
      status,
      updated_at: sql`now()`,
      ...(extra.error !== undefined ? { error: extra.error } : {}),
      ...(extra.flags ? { flags: extra.flags } : {}),
    })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .execute();
}
