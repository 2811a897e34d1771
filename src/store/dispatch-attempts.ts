// Dispatch attempts: one row per CAPI event per request to Meta, with what Meta answered. Written by
// the dispatcher in the same transaction as the event's new status; read by the operations view.
import { sql, type Transaction } from 'kysely';
import type { Db } from './connect.ts';
import type { Database } from './database.ts';
import { newId } from '../lib/ids.ts';

export interface NewDispatchAttempt {
  tenantId: string;
  capiEventId: string;
  attemptedAt: Date;
  /** ok | retry | invalid_token | invalid_data | not_sent (parked before any request). */
  outcome: string;
  httpStatus: number | null;
  eventsReceived: number | null;
  fbtraceId: string | null;
  errorCode: number | null;
  errorSubcode: number | null;
  errorMessage: string | null;
  durationMs: number;
  nextRetryAt: Date | null;
}

export async function insertDispatchAttempts(trx: Transaction<Database> | Db, attempts: NewDispatchAttempt[]): Promise<void> {
  if (attempts.length === 0) return;
  const column = <T>(pick: (a: NewDispatchAttempt) => T) => attempts.map(pick);
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  // One row per event per request: a round of 500 events is 500 rows. unnest() sends 13 arrays
  // instead of 6,500 bind parameters.
  await sql`
    INSERT INTO dispatch_attempts (tenant_id, id, capi_event_id, attempted_at, outcome, http_status, events_received,
      fbtrace_id, error_code, error_subcode, error_message, duration_ms, next_retry_at)
    SELECT * FROM unnest(
      ${column((a) => a.tenantId)}::text[], ${column(() => newId('att'))}::text[], ${column((a) => a.capiEventId)}::text[],
      ${column((a) => iso(a.attemptedAt))}::timestamptz[], ${column((a) => a.outcome)}::text[], ${column((a) => a.httpStatus)}::int[],
      ${column((a) => a.eventsReceived)}::int[], ${column((a) => a.fbtraceId)}::text[], ${column((a) => a.errorCode)}::int[],
      ${column((a) => a.errorSubcode)}::int[], ${column((a) => a.errorMessage?.slice(0, 2000) ?? null)}::text[],
      ${column((a) => a.durationMs)}::int[], ${column((a) => iso(a.nextRetryAt))}::timestamptz[])`.execute(trx);
}

/** Every attempt of one CAPI event, oldest first. */
export async function listDispatchAttempts(db: Db, tenantId: string, capiEventId: string) {
  return db
    .selectFrom('dispatch_attempts')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('capi_event_id', '=', capiEventId)
    .orderBy('attempted_at')
    .orderBy('id')
    .execute();
}
