// Read models for operators: the event list, one event's whole story, and stats. Every query is
// scoped by tenant first.
import { sql, type Transaction } from 'kysely';
import type { Db } from './connect.ts';
import type { Database, EventStatus, EventType } from './database.ts';

export interface EventFilters {
  type?: EventType;
  status?: EventStatus;
  gateway?: string;
  from?: Date;
  to?: Date;
}

export interface Cursor {
  receivedAt: string;
  id: string;
}

export function encodeCursor(c: Cursor): string {
  return Buffer.from(`${c.receivedAt}|${c.id}`).toString('base64url');
}

export function decodeCursor(raw: string): Cursor | null {
  const [receivedAt, id] = Buffer.from(raw, 'base64url').toString('utf8').split('|');
  if (!receivedAt || !id || Number.isNaN(Date.parse(receivedAt)) || !/^evt_[0-9a-f]{32}$/.test(id)) return null;
  return { receivedAt, id };
}

export async function listEvents(db: Db, tenantId: string, filters: EventFilters, limit: number, cursor: Cursor | null) {
  let q = db
    .selectFrom('events')
    .select(['id', 'type', 'gateway', 'status', 'flags', 'occurred_at', 'received_at', 'payload', 'error'])
    .where('tenant_id', '=', tenantId);
  if (filters.type) q = q.where('type', '=', filters.type);
  if (filters.status) q = q.where('status', '=', filters.status);
  if (filters.gateway) q = q.where('gateway', '=', filters.gateway);
  if (filters.from) q = q.where('received_at', '>=', filters.from);
  if (filters.to) q = q.where('received_at', '<', filters.to);
  if (cursor) {
    q = q.where((eb) =>
      eb.or([
        eb('received_at', '<', new Date(cursor.receivedAt)),
        eb.and([eb('received_at', '=', new Date(cursor.receivedAt)), eb('id', '<', cursor.id)]),
      ]),
    );
  }
  const rows = await q.orderBy('received_at', 'desc').orderBy('id', 'desc').limit(limit + 1).execute();
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    rows: page,
    nextCursor: rows.length > limit && last ? encodeCursor({ receivedAt: last.received_at.toISOString(), id: last.id }) : null,
  };
}

export async function loadEventStory(db: Db, tenantId: string, id: string) {
  // One snapshot for the whole story: a dispatcher committing between two reads must not show an
  // event still `matched` beside a CAPI event already `sent`.
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute((trx) => readEventStory(trx, tenantId, id));
}

async function readEventStory(db: Db | Transaction<Database>, tenantId: string, id: string) {
  const event = await db.selectFrom('events').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
  if (!event) return undefined;
  const conversions = await db
    .selectFrom('conversions')
    .selectAll()
    .select(sql<string | null>`value::text`.as('value_text'))
    .where('tenant_id', '=', tenantId)
    .where('event_id', '=', id)
    .orderBy('created_at')
    .execute();
  const conversionIds = conversions.map((c) => c.id);
  const matches = conversionIds.length
    ? await db.selectFrom('matches').selectAll().where('tenant_id', '=', tenantId).where('conversion_id', 'in', conversionIds).execute()
    : [];
  const capiEvents = await db
    .selectFrom('capi_events')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where((eb) => {
      const bySource = eb('source_event_id', '=', id);
      return conversionIds.length ? eb.or([bySource, eb('conversion_id', 'in', conversionIds)]) : bySource;
    })
    .orderBy('created_at')
    .execute();
  const attempts = capiEvents.length
    ? await db
        .selectFrom('dispatch_attempts')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('capi_event_id', 'in', capiEvents.map((c) => c.id))
        .orderBy('attempted_at')
        .execute()
    : [];
  return { event, conversions, matches, capiEvents, attempts };
}

export async function loadStats(db: Db, tenantId: string, from: Date, to: Date) {
  const byStatus = await db
    .selectFrom('events')
    .select(['type', 'status', sql<number>`count(*)::int`.as('count')])
    .where('tenant_id', '=', tenantId)
    .where('received_at', '>=', from)
    .where('received_at', '<', to)
    .groupBy(['type', 'status'])
    .execute();
  const matchRows = await db
    .selectFrom('matches')
    .innerJoin('conversions', (j) => j.onRef('conversions.tenant_id', '=', 'matches.tenant_id').onRef('conversions.id', '=', 'matches.conversion_id'))
    .select(['matches.method', sql<number>`count(*)::int`.as('count')])
    .where('matches.tenant_id', '=', tenantId)
    .where('conversions.created_at', '>=', from)
    .where('conversions.created_at', '<', to)
    .groupBy('matches.method')
    .execute();
  const dispatch = await db
    .selectFrom('capi_events')
    .select(['status', sql<number>`count(*)::int`.as('count')])
    .where('tenant_id', '=', tenantId)
    .where('created_at', '>=', from)
    .where('created_at', '<', to)
    .groupBy('status')
    .execute();
  const latency = await sql<{ p50: number | null; p95: number | null }>`
    SELECT
      percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM c.sent_at - e.received_at))::float8 AS p50,
      percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM c.sent_at - e.received_at))::float8 AS p95
    FROM capi_events c
    JOIN events e ON e.tenant_id = c.tenant_id AND e.id = c.source_event_id
    WHERE c.tenant_id = ${tenantId} AND e.type = 'webhook' AND c.sent_at IS NOT NULL
      AND c.created_at >= ${from} AND c.created_at < ${to}`.execute(db);
  return { byStatus, matchRows, dispatch, latency: latency.rows[0] ?? { p50: null, p95: null } };
}

/** Re-queues an event for matching (replay) inside one transaction with its job. */
export async function eventExists(db: Db, tenantId: string, id: string): Promise<boolean> {
  const row = await db.selectFrom('events').select('id').where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
  return Boolean(row);
}
