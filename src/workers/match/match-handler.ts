// The ingest-events handler: one job per ingested event. Tracking events become sessions, clicks and
// identities; webhooks become conversions, matches and CAPI events. Outcomes, not exceptions: a
// purchase whose pass-through session has not arrived yet is retried for a bounded time, and an
// event that keeps failing is marked `failed` and dead-lettered with its error after the last
// attempt, so one poison message never stalls the queue.
//
// A claimed batch is written in ONE database transaction, set-based (process-batch.ts): a handful of
// statements for the whole batch instead of a dozen per event, and one commit. If that throws, the
// batch is redone the old way, still in one transaction but with a savepoint per event, so each
// event's writes stand or fall alone and a poison event ends failed and dead-lettered by itself.
import { sql, type Transaction } from 'kysely';
import type { ClaimedJob } from '../../queue/queue.ts';
import { jobCatalog } from '../../queue/job-catalog.ts';
import type { Database, EventRow } from '../../store/database.ts';
import { findEvents, setEventStatus } from '../../store/events.ts';
import { untracedJobs, type JobHandler, type JobOutcome } from '../queue-runner.ts';
import type { MatchWorkerDeps } from './match-worker-deps.ts';
import { processTrackingEvent } from './process-tracking-event.ts';
import { processWebhookEvent, tenantContextOf, type TenantContextMemo } from './process-webhook-event.ts';
import { applyMappingOnReplay } from './apply-mapping-on-replay.ts';
import { requeueCapiEventsOfEvent } from '../../store/replay-capi-events.ts';
import { mayWaitForSession, processBatch } from './process-batch.ts';

const spec = jobCatalog['ingest-events'];

interface Work {
  index: number;
  job: ClaimedJob;
  tenantId: string;
  eventId: string;
  event?: EventRow;
}

/** `setBased: false` processes every batch event by event (the fallback), for tests that compare both paths. */
export function createMatchHandler(deps: MatchWorkerDeps, options: { setBased?: boolean } = {}): JobHandler {
  const setBased = options.setBased ?? true;
  return {
    queue: 'ingest-events',
    async handle(jobs, tracing = untracedJobs) {
      const outcomes: JobOutcome[] = jobs.map(() => ({ kind: 'ok' }));
      const work: Work[] = [];
      jobs.forEach((job, index) => {
        const parsed = spec.payload.safeParse(job.payload);
        if (!parsed.success) outcomes[index] = { kind: 'dead_letter', reason: `invalid ingest-events payload: ${parsed.error.message.slice(0, 500)}` };
        else work.push({ index, job, tenantId: parsed.data.tenantId, eventId: parsed.data.eventId });
      });
      if (work.length === 0) return outcomes;

      if (setBased) {
        try {
          await deps.store.db.transaction().execute(async (trx) => {
            const ordered = await loadBatch(trx, work, deps);
            const present = ordered.filter((w): w is Work & { event: EventRow } => w.event !== undefined);
            const items = present.map((w) => ({ job: w.job, event: w.event }));
            const result = await processBatch(trx, items, deps, tracing);
            present.forEach((w, i) => (outcomes[w.index] = result.get(items[i]!) ?? outcomes[w.index]!));
          });
          return outcomes;
        } catch (err) {
          // Something in the batch throws (a poison event, a database error): redo it event by event,
          // where each event stands or falls alone.
          deps.logger?.warn({ err, jobs: work.length }, 'set-based match batch failed; redoing it event by event');
        }
      }

      await deps.store.db.transaction().execute(async (trx) => {
        const ordered = await loadBatch(trx, work, deps);
        const tenantContext: TenantContextMemo = new Map();
        // Each event runs in its job's span, so the dispatch jobs it enqueues continue that trace.
        for (const w of ordered) outcomes[w.index] = await tracing.run(w.job, () => handleInSavepoint(trx, w, deps, tenantContext));
      });
      return outcomes;
    },
  };
}

/**
 * The batch's events in one read, in processing order: tracking first, then webhooks, each in queue
 * order — a purchase is matched against every click and checkout that arrived with it, whatever order
 * the queue handed them over in. Jobs whose event is gone are ok (logged), and absent from the result's events.
 */
async function loadBatch(trx: Transaction<Database>, work: Work[], deps: MatchWorkerDeps): Promise<Work[]> {
  const events = new Map((await findEvents(trx, work.map((w) => ({ tenantId: w.tenantId, id: w.eventId })))).map((e) => [`${e.tenant_id}/${e.id}`, e]));
  for (const w of work) {
    w.event = events.get(`${w.tenantId}/${w.eventId}`);
    // The tenant (and its events) was deleted after the job was queued: nothing left to do.
    if (!w.event) deps.logger?.warn({ eventId: w.eventId, tenantId: w.tenantId }, 'ingest job for an event that no longer exists; dropped');
  }
  return [...work].sort((a, b) => rank(a) - rank(b) || (a.job.id < b.job.id ? -1 : a.job.id > b.job.id ? 1 : 0));
}

function rank(w: Work): number {
  return w.event?.type === 'webhook' ? 1 : 0;
}

async function handleInSavepoint(trx: Transaction<Database>, w: Work, deps: MatchWorkerDeps, tenantContext: TenantContextMemo): Promise<JobOutcome> {
  const { event, job } = w;
  if (!event) return { kind: 'ok' };
  await sql`SAVEPOINT match_event`.execute(trx);
  try {
    const outcome = await handleEvent(trx, event, job, deps, tenantContext);
    if (outcome.kind === 'retry') await sql`ROLLBACK TO SAVEPOINT match_event`.execute(trx);
    await sql`RELEASE SAVEPOINT match_event`.execute(trx);
    return outcome;
  } catch (err) {
    await sql`ROLLBACK TO SAVEPOINT match_event`.execute(trx);
    await sql`RELEASE SAVEPOINT match_event`.execute(trx);
    const reason = errorMessage(err);
    if (job.attempts + 1 >= spec.maxAttempts) {
      // The last attempt: leave the event visibly failed for operators, the job dead-lettered with the error.
      await setEventStatus(trx, event.tenant_id, event.id, 'failed', { error: reason.slice(0, 2000) });
      deps.logger?.error({ err, eventId: event.id }, 'ingest event failed on its last attempt; dead-lettered');
      return { kind: 'dead_letter', reason };
    }
    deps.logger?.warn({ err, eventId: event.id, attempt: job.attempts + 1 }, 'ingest event failed; will retry');
    return { kind: 'retry', afterMs: backoffMs(job.attempts), reason };
  }
}

async function handleEvent(
  trx: Transaction<Database>,
  event: EventRow,
  job: ClaimedJob,
  deps: MatchWorkerDeps,
  tenantContext: TenantContextMemo,
): Promise<JobOutcome> {
  const outcome = await processEvent(trx, event, job, deps, tenantContext);
  // A replay (POST /api/v1/replay, `hub replay`) re-ran matching above, which is idempotent; now it
  // sends the event's CAPI events again, under the same Meta event_id.
  const replayId = (job.payload as { replayId?: unknown }).replayId;
  if (outcome.kind === 'ok' && typeof replayId === 'string') {
    const requeued = await requeueCapiEventsOfEvent(trx, deps.queue, event.tenant_id, event.id);
    const { mapping } = await tenantContextOf(trx, event.tenant_id, tenantContext);
    const applied = await applyMappingOnReplay(trx, deps.queue, event, mapping, deps.now());
    deps.logger?.info({ eventId: event.id, replayId, requeued, ...applied }, 'replayed');
  }
  return outcome;
}

async function processEvent(
  trx: Transaction<Database>,
  event: EventRow,
  job: ClaimedJob,
  deps: MatchWorkerDeps,
  tenantContext: TenantContextMemo,
): Promise<JobOutcome> {
  if (event.type !== 'webhook') {
    await processTrackingEvent(trx, event, deps, tenantContext);
    return { kind: 'ok' };
  }
  const result = await processWebhookEvent(trx, event, deps, { mayWaitForSession: mayWaitForSession(event, job, deps), tenantContext });
  if (result.kind === 'wait_for_session') {
    return { kind: 'retry', afterMs: deps.passthroughRetryMs, reason: `waiting for pass-through session ${result.tokens.join(', ')}` };
  }
  return { kind: 'ok' };
}

function backoffMs(attempt: number): number {
  const base = Math.min(60_000, 1000 * 2 ** attempt);
  return base / 2 + Math.random() * (base / 2);
}

function errorMessage(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}
