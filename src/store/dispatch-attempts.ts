// Dispatch attempts: one row per CAPI event per request to Meta, with what Meta answered. Written by
// the dispatcher in the same transaction as the event's new status; read by the operations view.
import type { Transaction } from 'kysely';
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
  await trx
    .insertInto('dispatch_attempts')
    .values(
      attempts.map((a) => ({
        tenant_id: a.tenantId,
        id: newId('att'),
        capi_event_id: a.capiEventId,
        attempted_at: a.attemptedAt,
        outcome: a.outcome,
        http_status: a.httpStatus,
        events_received: a.eventsReceived,
        fbtrace_id: a.fbtraceId,
        error_code: a.errorCode,
        error_subcode: a.errorSubcode,
        error_message: a.errorMessage?.slice(0, 2000) ?? null,
        duration_ms: a.durationMs,
        next_retry_at: a.nextRetryAt,
      })),
    )
    .execute();
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
