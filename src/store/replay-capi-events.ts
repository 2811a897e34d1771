// Replay: an event's CAPI events go back to `pending` with a new dispatch job, keeping their Meta
// event_id, so Meta counts them once however often they are replayed. Events that are already
// pending keep the job they have.
import { sql, type Transaction } from 'kysely';
import type { Database } from './database.ts';
import type { Queue } from '../queue/queue.ts';

export async function requeueCapiEventsOfEvent(
  trx: Transaction<Database>,
  queue: Pick<Queue, 'enqueue'>,
  tenantId: string,
  eventId: string,
): Promise<number> {
  const reset = await trx
    .updateTable('capi_events')
    .set({
      status: 'pending',
      attempts: 0,
      first_attempt_at: null,
      next_attempt_at: null,
      last_error: null,
      sent_at: null,
      updated_at: sql`now()`,
    })
    .where('tenant_id', '=', tenantId)
    .where('status', 'in', ['sent', 'failed', 'waiting'])
    .where((eb) =>
      eb.or([
        eb('source_event_id', '=', eventId),
        eb(
          'conversion_id',
          'in',
          eb.selectFrom('conversions').select('id').where('tenant_id', '=', tenantId).where('event_id', '=', eventId),
        ),
      ]),
    )
    .returning(['id'])
    .execute();
  await queue.enqueue(
    trx,
    'capi-dispatch',
    reset.map((r) => ({ tenantId, payload: { capiEventId: r.id, tenantId } })),
  );
  return reset.length;
}
