// Selecting events to replay (re-match, re-dispatch) or reprocess (re-normalize webhooks from their
// raw bodies after a fix), and counting what is still queued for a replay.
import { sql } from 'kysely';
import type { Db } from './connect.ts';
import type { EventType } from './database.ts';

export interface ReplayFilter {
  tenantId: string;
  from?: Date;
  to?: Date;
  types?: EventType[];
  gateway?: string;
  /** Reprocess also takes webhooks that were stored as unprocessable. */
  includeUnprocessable: boolean;
}

export async function countReplayable(db: Db, f: ReplayFilter): Promise<number> {
  const row = await filtered(db, f).select(sql<number>`count(*)::int`.as('n')).executeTakeFirst();
  return row?.n ?? 0;
}

export async function replayablePage(db: Db, f: ReplayFilter, afterId: string | null, limit: number): Promise<string[]> {
  let q = filtered(db, f).select('id');
  if (afterId) q = q.where('id', '>', afterId);
  return (await q.orderBy('id').limit(limit).execute()).map((r) => r.id);
}

function filtered(db: Db, f: ReplayFilter) {
  let q = db.selectFrom('events').where('tenant_id', '=', f.tenantId);
  if (f.from) q = q.where('received_at', '>=', f.from);
  if (f.to) q = q.where('received_at', '<', f.to);
  if (f.types?.length) q = q.where('type', 'in', f.types);
  if (f.gateway) q = q.where('gateway', '=', f.gateway);
  if (!f.includeUnprocessable) q = q.where('status', '!=', 'unprocessable');
  return q;
}

export async function countQueuedForReplay(db: Db, replayId: string): Promise<number> {
  const row = await db
    .selectFrom('jobs')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('queue', '=', 'ingest-events')
    .where('status', '=', 'ready')
    .where(sql<string>`payload->>'replayId'`, '=', replayId)
    .executeTakeFirst();
  return row?.n ?? 0;
}

/**
 * Conversions in a replay's range that an earlier mapping left unsent (CAPI event `skipped`) and that
 * happened before `olderThan`: what a changed mapping can no longer send (Meta's 7 days are past).
 */
export async function skippedConversionsBefore(db: Db, f: ReplayFilter, olderThan: Date): Promise<Array<{ kind: string }>> {
  let q = db
    .selectFrom('capi_events as c')
    .innerJoin('conversions as v', (j) => j.onRef('v.tenant_id', '=', 'c.tenant_id').onRef('v.id', '=', 'c.conversion_id'))
    .innerJoin('events as e', (j) => j.onRef('e.tenant_id', '=', 'v.tenant_id').onRef('e.id', '=', 'v.event_id'))
    .select('v.kind')
    .where('c.tenant_id', '=', f.tenantId)
    .where('c.status', '=', 'skipped')
    .where('v.occurred_at', '<', olderThan);
  if (f.from) q = q.where('e.received_at', '>=', f.from);
  if (f.to) q = q.where('e.received_at', '<', f.to);
  if (f.gateway) q = q.where('v.gateway', '=', f.gateway);
  return q.execute();
}
