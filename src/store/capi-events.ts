// CAPI events — the insert side (match worker): create capi_events rows and enqueue their
// `capi-dispatch` jobs in the caller's transaction, so a committed conversion always has its job.
// The dispatch side (dispatcher's reads and status updates) goes below this section.
import { sql, type Transaction } from 'kysely';
import type { Db } from './connect.ts';
import type { CapiEventStatus, Database } from './database.ts';
import { insertDispatchAttempts, type NewDispatchAttempt } from './dispatch-attempts.ts';
import type { Queue } from '../queue/queue.ts';
import { newId } from '../lib/ids.ts';

export interface NewCapiEvent {
  tenantId: string;
  /** Meta's event_id: deterministic, unique per tenant. */
  eventId: string;
  conversionId: string | null;
  sourceEventId: string;
  eventName: string;
  /** 'pending' is dispatched; 'not_sendable' and 'skipped' are recorded for operators only. */
  status: Extract<CapiEventStatus, 'pending' | 'not_sendable' | 'skipped'>;
  /** The built (hashed) server event; never raw PII. */
  payload: Record<string, unknown>;
  lastError?: string | null;
  /**
   * The traceparent the dispatch job carries on. Unset, the job takes the active span's (enqueue
   * stamps it); a batch written for many jobs at once sets each job's own.
   */
  trace?: string | undefined;
}

/**
 * Inserts CAPI events, skipping those whose event_id exists for the tenant (a replay or a duplicate
 * produces nothing new), and enqueues a dispatch job for each new pending one. Returns the new ids.
 */
export async function createCapiEventsForDispatch(
  trx: Transaction<Database>,
  queue: Pick<Queue, 'enqueue'>,
  events: NewCapiEvent[],
): Promise<{ id: string; eventId: string; status: NewCapiEvent['status'] }[]> {
  if (events.length === 0) return [];
  const inserted = await trx
    .insertInto('capi_events')
    .values(
      events.map((e) => ({
        tenant_id: e.tenantId,
        id: newId('cap'),
        event_id: e.eventId,
        conversion_id: e.conversionId,
        source_event_id: e.sourceEventId,
        event_name: e.eventName,
        status: e.status,
        payload: JSON.stringify(e.payload),
        last_error: e.lastError ?? null,
        first_attempt_at: null,
        next_attempt_at: null,
        sent_at: null,
      })),
    )
    .onConflict((oc) => oc.columns(['tenant_id', 'event_id']).doNothing())
    .returning(['id', 'tenant_id', 'event_id', 'status'])
    .execute();
  const traces = new Map(events.flatMap((e) => (e.trace ? [[`${e.tenantId}\u0000${e.eventId}`, e.trace] as const] : [])));
  const jobs = inserted
    .filter((r) => r.status === 'pending')
    .map((r) => {
      const payload = { capiEventId: r.id, tenantId: r.tenant_id };
      const trace = traces.get(`${r.tenant_id}\u0000${r.event_id}`);
      return { tenantId: r.tenant_id, payload: trace ? { ...payload, _trace: trace } : payload };
    });
  await queue.enqueue(trx, 'capi-dispatch', jobs);
  return inserted.map((r) => ({ id: r.id, eventId: r.event_id, status: r.status as NewCapiEvent['status'] }));
}

// ---- dispatch side (dispatch worker) below ----
// The dispatcher loads the CAPI events of its claimed jobs, records the outcome of every request
// (attempt rows, event status, the source event's status) in one transaction per group, and puts
// `waiting` events back on the queue once their Meta connection is healthy again.

export type DispatchableStatus = Extract<CapiEventStatus, 'pending' | 'waiting'>;

export interface DispatchableCapiEvent {
  id: string;
  tenantId: string;
  eventId: string;
  sourceEventId: string;
  eventName: string;
  status: DispatchableStatus;
  payload: Record<string, unknown>;
  attempts: number;
  firstAttemptAt: Date | null;
}

/** The events among `ids` still to be sent (pending, or waiting for their connection); others are done. */
export async function loadDispatchableCapiEvents(db: Db, tenantId: string, ids: readonly string[]): Promise<DispatchableCapiEvent[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('capi_events')
    .select(['id', 'tenant_id', 'event_id', 'source_event_id', 'event_name', 'status', 'payload', 'attempts', 'first_attempt_at'])
    .where('tenant_id', '=', tenantId)
    .where(sql<boolean>`id = ANY(${[...ids]}::text[])`)
    .execute();
  // The status is checked here, not in the WHERE: given `status IN (pending, waiting)`, the planner
  // may pick the backlog index and read every pending event of the tenant (4,000 rows for 20 wanted
  // under a burst, while the statistics still describe a smaller table) instead of the primary key.
  return rows.filter((r) => r.status === 'pending' || r.status === 'waiting').map((r) => ({
    id: r.id,
    tenantId: r.tenant_id,
    eventId: r.event_id,
    sourceEventId: r.source_event_id,
    eventName: r.event_name,
    status: r.status as DispatchableStatus,
    payload: (typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload) as Record<string, unknown>,
    attempts: r.attempts,
    firstAttemptAt: r.first_attempt_at ? new Date(r.first_attempt_at) : null,
  }));
}

/** How one CAPI event leaves a dispatch round. */
export interface CapiEventUpdate {
  id: string;
  sourceEventId: string;
  status: Extract<CapiEventStatus, 'pending' | 'waiting' | 'sent' | 'failed' | 'not_sendable'>;
  /** Requests to Meta this event was part of in this round (0 when it was parked without one). */
  requests: number;
  /** Start of this round's first request; kept only if the event has no first attempt yet. */
  attemptedAt: Date | null;
  nextAttemptAt: Date | null;
  lastError: string | null;
  sentAt: Date | null;
}

/**
 * Writes one round's outcome for a tenant: the attempt rows, each event's new state (only events
 * still pending or waiting change, so a late writer never un-sends an event), and the status of the
 * events they came from. One transaction: the story an operator reads is never half written.
 */
export async function recordDispatchRound(
  db: Db,
  tenantId: string,
  round: { attempts: NewDispatchAttempt[]; updates: CapiEventUpdate[] },
): Promise<void> {
  if (round.updates.length === 0 && round.attempts.length === 0) return;
  await db.transaction().execute(async (trx) => {
    await insertDispatchAttempts(trx, round.attempts);
    await applyCapiEventUpdates(trx, tenantId, round.updates);
    const settled = round.updates.filter((u) => u.status === 'sent' || u.status === 'failed' || u.status === 'not_sendable');
    await settleSourceEvents(trx, tenantId, [...new Set(settled.map((u) => u.sourceEventId))]);
  });
}

async function applyCapiEventUpdates(trx: Transaction<Database>, tenantId: string, updates: CapiEventUpdate[]): Promise<void> {
  if (updates.length === 0) return;
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  // One statement for the whole round: unnest() turns the parallel arrays into rows.
  await sql`
    UPDATE capi_events AS c SET
      status = u.status,
      attempts = c.attempts + u.requests,
      first_attempt_at = CASE
        WHEN u.status = 'waiting' THEN NULL
        ELSE coalesce(c.first_attempt_at, u.attempted_at) END,
      next_attempt_at = u.next_at,
      last_error = u.last_error,
      sent_at = coalesce(u.sent_at, c.sent_at),
      updated_at = now()
    FROM unnest(
      ${updates.map((u) => u.id)}::text[],
      ${updates.map((u) => u.status)}::text[],
      ${updates.map((u) => u.requests)}::int[],
      ${updates.map((u) => iso(u.attemptedAt))}::timestamptz[],
      ${updates.map((u) => iso(u.nextAttemptAt))}::timestamptz[],
      ${updates.map((u) => u.lastError?.slice(0, 2000) ?? null)}::text[],
      ${updates.map((u) => iso(u.sentAt))}::timestamptz[]
    ) AS u(id, status, requests, attempted_at, next_at, last_error, sent_at)
    WHERE c.tenant_id = ${tenantId} AND c.id = u.id AND c.status IN ('pending', 'waiting')`.execute(trx);
}

/**
 * A source event (webhook, pageview…) is `dispatched` once none of its CAPI events is left to send
 * and at least one was sent, `failed` if one of them failed or became unsendable. Events in states
 * the dispatcher does not own (unprocessable, rejected, received) are left alone.
 */
async function settleSourceEvents(trx: Transaction<Database>, tenantId: string, sourceEventIds: string[]): Promise<void> {
  if (sourceEventIds.length === 0) return;
  await sql`
    UPDATE events AS e SET status = s.next, updated_at = now()
    FROM (
      SELECT c.source_event_id AS id,
        CASE WHEN bool_or(c.status IN ('failed', 'not_sendable')) THEN 'failed' ELSE 'dispatched' END AS next
      FROM capi_events c
      WHERE c.tenant_id = ${tenantId} AND c.source_event_id = ANY(${sourceEventIds}::text[])
      GROUP BY c.source_event_id
      HAVING NOT bool_or(c.status IN ('pending', 'waiting')) AND bool_or(c.status IN ('sent', 'failed', 'not_sendable'))
    ) AS s
    WHERE e.tenant_id = ${tenantId} AND e.id = s.id AND e.status <> s.next
      AND e.status IN ('processed', 'matched', 'unmatched', 'dispatched', 'failed')`.execute(trx);
}

/**
 * Marks the tenant's Meta connection unhealthy after Meta refused its token — but only if the token
 * is still the one that was refused: an operator who saved a new token while the request was in
 * flight must not see the new one flagged. Returns false when the token had changed.
 */
export async function flagMetaTokenRefused(db: Db, tenantId: string, refusedCiphertext: string, reason: string): Promise<boolean> {
  const result = await db
    .updateTable('connections')
    .set({ health: 'unhealthy', health_reason: reason.slice(0, 1000), updated_at: sql`now()` })
    .where('tenant_id', '=', tenantId)
    .where('kind', '=', 'meta')
    .where('secret_ciphertext', '=', refusedCiphertext)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/**
 * Puts `waiting` events whose tenant now has a usable Meta connection (a fixed token, or a first
 * connection; `unverified` counts: not checked is not broken) back to `pending` with a fresh
 * dispatch job, in one transaction. Their retry window
 * starts again: the time spent waiting for the operator does not count against it. Returns how many.
 */
export async function resumeWaitingCapiEvents(db: Db, queue: Pick<Queue, 'enqueue'>, limit: number): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const { rows } = await sql<{ tenant_id: string; id: string }>`
      UPDATE capi_events AS c SET status = 'pending', first_attempt_at = NULL, next_attempt_at = NULL, updated_at = now()
      WHERE (c.tenant_id, c.id) IN (
        SELECT w.tenant_id, w.id
        FROM connections m
        JOIN capi_events w ON w.tenant_id = m.tenant_id AND w.status = 'waiting'
        WHERE m.kind = 'meta' AND m.health IN ('healthy', 'unverified')
        LIMIT ${limit}
        FOR UPDATE OF w SKIP LOCKED
      )
      RETURNING c.tenant_id, c.id`.execute(trx);
    await queue.enqueue(
      trx,
      'capi-dispatch',
      rows.map((r) => ({ tenantId: r.tenant_id, payload: { capiEventId: r.id, tenantId: r.tenant_id } })),
    );
    return rows.length;
  });
}

/**
 * The retry backlog across all tenants, for /metrics: pending events whose next attempt is scheduled
 * in the future (Meta failed them and a retry is due later), and events waiting for their Meta
 * connection. Counts only; served by the partial index capi_events_backlog_idx.
 */
export async function countDispatchBacklog(db: Db): Promise<{ retrying: number; waiting: number }> {
  const { rows } = await sql<{ retrying: number | string; waiting: number | string }>`
    SELECT
      count(*) FILTER (WHERE status = 'pending' AND next_attempt_at > now()) AS retrying,
      count(*) FILTER (WHERE status = 'waiting') AS waiting
    FROM capi_events
    WHERE status IN ('pending', 'waiting')`.execute(db);
  return { retrying: Number(rows[0]?.retrying ?? 0), waiting: Number(rows[0]?.waiting ?? 0) };
}
