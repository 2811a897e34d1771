// The ingest-events handler: one job per ingested event. Tracking events become sessions, clicks and
// identities; webhooks become conversions, matches and CAPI events. Outcomes, not exceptions: a
// purchase whose pass-through session has not arrived yet is retried for a bounded time, and an
// event that keeps failing is marked `failed` and dead-lettered with its error after the last
// attempt, so one poison message never stalls the queue.
//
// A claimed batch is written in ONE database transaction with a savepoint per event: each event's
// writes stand or fall alone (a failing or waiting event rolls back to its savepoint), and the batch
// pays for one commit instead of fifty — on PostgreSQL a commit's WAL flush costs more than all of an
// event's queries together.
import { sql, type Transaction } from 'kysely';
import type { ClaimedJob } from '../../queue/queue.ts';
import { jobCatalog } from '../../queue/job-catalog.ts';
import type { Database, EventRow } from '../../store/database.ts';
import { findEvents, setEventStatus } from '../../store/events.ts';
import { untracedJobs, type JobHandler, type JobOutcome } from '../queue-runner.ts';
import type { MatchWorkerDeps } from './match-worker-deps.ts';
import { processTrackingEvent } from './process-tracking-event.ts';
import { processWebhookEvent, type TenantContextMemo } from './process-webhook-event.ts';
import { requeueCapiEventsOfEvent } from '../../store/replay-capi-events.ts';

const spec = jobCatalog['ingest-events'];
/** Waiting for a late session may use this many attempts; the rest stay for real failures. */
const MAX_WAIT_ATTEMPTS = 5;

interface Work {
  index: number;
  job: ClaimedJob;
  tenantId: string;
  eventId: string;
  event?: EventRow;
}

export function createMatchHandler(deps: MatchWorkerDeps): JobHandler {
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

      await deps.store.db.transaction().execute(async (trx) => {
        // One read for the batch's events, and one per tenant for what matching needs to know of it.
        const events = new Map((await findEvents(trx, work.map((w) => ({ tenantId: w.tenantId, id: w.eventId })))).map((e) => [`${e.tenant_id}/${e.id}`, e]));
        for (const w of work) w.event = events.get(`${w.tenantId}/${w.eventId}`);
        const tenantContext: TenantContextMemo = new Map();
        // Tracking first, then webhooks, each in queue order: a purchase is matched against every
        // click and checkout that arrived with it, whatever order the queue handed them over in.
        const ordered = [...work].sort((a, b) => rank(a) - rank(b) || (a.job.id < b.job.id ? -1 : a.job.id > b.job.id ? 1 : 0));
        // Each event runs in its job's span, so the dispatch jobs it enqueues continue that trace.
        for (const w of ordered) outcomes[w.index] = await tracing.run(w.job, () => handleInSavepoint(trx, w, deps, tenantContext));
      });
      return outcomes;
    },
  };
}

function rank(w: Work): number {
  return w.event?.type === 'webhook' ? 1 : 0;
}

async function handleInSavepoint(trx: Transaction<Database>, w: Work, deps: MatchWorkerDeps, tenantContext: TenantContextMemo): Promise<JobOutcome> {
  const { event, job } = w;
  if (!event) {
    // The tenant (and its events) was deleted after the job was queued: nothing left to do.
    deps.logger?.warn({ eventId: w.eventId, tenantId: w.tenantId }, 'ingest job for an event that no longer exists; dropped');
    return { kind: 'ok' };
  }
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
    deps.logger?.info({ eventId: event.id, replayId, requeued }, 'replayed');
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
    await processTrackingEvent(trx, event, deps);
    return { kind: 'ok' };
  }
  const waitedMs = deps.now().getTime() - new Date(event.received_at).getTime();
  const mayWaitForSession = waitedMs < deps.passthroughWaitMs && job.attempts < MAX_WAIT_ATTEMPTS;
  const result = await processWebhookEvent(trx, event, deps, { mayWaitForSession, tenantContext });
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
