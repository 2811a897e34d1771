// CAPI events — the insert side (match worker): create capi_events rows and enqueue their
// `capi-dispatch` jobs in the caller's transaction, so a committed conversion always has its job.
// The dispatch side (dispatcher's reads and status updates) goes below this section.
import type { Transaction } from 'kysely';
import type { CapiEventStatus, Database } from './database.ts';
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
  const jobs = inserted
    .filter((r) => r.status === 'pending')
    .map((r) => ({ tenantId: r.tenant_id, payload: { capiEventId: r.id, tenantId: r.tenant_id } }));
  await queue.enqueue(trx, 'capi-dispatch', jobs);
  return inserted.map((r) => ({ id: r.id, eventId: r.event_id, status: r.status as NewCapiEvent['status'] }));
}

// ---- dispatch side (dispatch worker) below ----
