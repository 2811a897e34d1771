// Ingested events (track calls and webhook deliveries): the durable record behind every 2xx.
import { sql, type Transaction } from 'kysely';
import type { Db } from './connect.ts';
import type { Database, EventStatus, NewEvent } from './database.ts';

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
  const insertedIds = new Set(inserted.map((r) => r.id));
  const missing = rows.filter((r) => !insertedIds.has(r.id));
  const existing = new Map<string, string>();
  // Within one batch two rows may share a key: the second is a duplicate of the first.
  for (const r of missing) {
    if (r.delivery_key == null) continue;
    const found = await trx
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

export async function findEvent(db: Db, tenantId: string, id: string) {
  return db.selectFrom('events').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
}

/** Several events in one query (a worker's claimed batch); missing ones are simply absent. */
export async function findEvents(db: Db | Transaction<Database>, refs: Array<{ tenantId: string; id: string }>) {
  if (refs.length === 0) return [];
  return db
    .selectFrom('events')
    .selectAll()
    .where((eb) => eb.or(refs.map((r) => eb.and([eb('tenant_id', '=', r.tenantId), eb('id', '=', r.id)]))))
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

export async function insertWebhookRejection(
  db: Db,
  row: { id: string; tenantId: string | null; gateway: string; sourceIp: string | null; reason: string },
): Promise<void> {
  await db
    .insertInto('webhook_rejections')
    .values({ id: row.id, tenant_id: row.tenantId, gateway: row.gateway.slice(0, 50), source_ip: row.sourceIp, reason: row.reason })
    .execute();
}
