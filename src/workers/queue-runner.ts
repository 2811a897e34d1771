// Runs a queue's handler: claim a batch, let the handler decide each job's outcome, apply it.
// The runner, not the handler, decides what retrying means (backoff, dead-letter after the limit);
// a handler that throws retries the whole batch, so a crash or a database blip never loses a job.
import type { Logger } from '../lib/logger.ts';
import type { Metrics } from '../lib/metrics.ts';
import type { ClaimedJob, Queue, QueueName } from '../queue/queue.ts';
import { jobCatalog } from '../queue/job-catalog.ts';
import { traceparentOf } from '../queue/trace-context.ts';
import { failSpan, startJobSpan, tracingEnabled, type Context, type JobSpan } from '../lib/tracing.ts';
import { reportError, reportProblem } from '../lib/error-reporting.ts';

export type JobOutcome =
  | { kind: 'ok' }
  | { kind: 'retry'; afterMs: number; reason: string }
  | { kind: 'dead_letter'; reason: string }
  /** The handler already re-scheduled or removed the job itself. */
  | { kind: 'handled' };

export interface JobHandler {
  queue: QueueName;
  handle(jobs: ClaimedJob[], tracing?: JobTracing): Promise<JobOutcome[]>;
}

/**
 * Each claimed job has a CONSUMER span from claim to outcome, the child of the span that enqueued it.
 * Handlers get a batch, so the runner hands them this to work on one job inside its span: what the
 * work enqueues then carries the trace on (src/queue/trace-context.ts).
 */
export interface JobTracing {
  /** Runs fn with the job's span active; just fn when tracing is off. */
  run<T>(job: ClaimedJob, fn: () => Promise<T>): Promise<T>;
  /** The job span's context, to parent or link other spans to; undefined when tracing is off. */
  contextOf(job: ClaimedJob): Context | undefined;
}

export const untracedJobs: JobTracing = { run: (_job, fn) => fn(), contextOf: () => undefined };

function traceJobs(queue: Queue, name: QueueName, jobs: ClaimedJob[]): { tracing: JobTracing; spans: Map<ClaimedJob, JobSpan> } | undefined {
  if (!tracingEnabled()) return undefined;
  const spans = new Map<ClaimedJob, JobSpan>();
  for (const job of jobs) {
    const span = startJobSpan(`${name} process`, traceparentOf(job.payload), {
      'messaging.system': queue.driver === 'sqs' ? 'aws_sqs' : 'hub_db',
      'messaging.operation.type': 'process',
      'messaging.destination.name': name,
      'messaging.message.id': job.id,
      'hub.job.attempt': job.attempts + 1,
      ...(job.tenantId ? { 'hub.tenant_id': job.tenantId } : {}),
    });
    if (span) spans.set(job, span);
  }
  return {
    spans,
    tracing: {
      run: (job, fn) => spans.get(job)?.run(fn) ?? fn(),
      contextOf: (job) => spans.get(job)?.context,
    },
  };
}

export interface RunnerOptions {
  queue: Queue;
  handler: JobHandler;
  workerId: string;
  logger?: Logger;
  metrics?: Metrics;
  /** Poll interval when the queue is empty. */
  idleMs?: number;
  batchSize?: number;
}

export interface RunningWorker {
  /** Stops claiming, waits for the batch in hand, then resolves. */
  stop(): Promise<void>;
  /** Resolves after one claim-and-handle round finds nothing to do (for tests). */
  idle(): Promise<void>;
}

function backoffMs(attempt: number): number {
  const base = Math.min(60_000, 500 * 2 ** attempt);
  return base / 2 + Math.random() * (base / 2);
}

export function startQueueWorker(options: RunnerOptions): RunningWorker {
  const { queue, handler, workerId, logger, metrics } = options;
  const spec = jobCatalog[handler.queue];
  const idleMs = options.idleMs ?? 200;
  let stopping = false;
  let wake: (() => void) | undefined;
  let idleWaiters: Array<() => void> = [];

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  async function apply(job: ClaimedJob, outcome: JobOutcome, span: JobSpan | undefined): Promise<void> {
    metrics?.jobs.inc({ queue: handler.queue, outcome: outcome.kind });
    span?.span.setAttribute('hub.job.outcome', outcome.kind);
    try {
      switch (outcome.kind) {
        case 'ok':
          return await queue.ack(job);
        case 'handled':
          return;
        case 'retry': {
          const result = await queue.retry(job, { delayMs: outcome.afterMs, error: outcome.reason, maxAttempts: spec.maxAttempts });
          if (result === 'dead') {
            logger?.warn({ jobId: job.id, queue: handler.queue, reason: outcome.reason }, 'job dead-lettered after retries');
            deadLettered(job, outcome.reason, span);
          }
          return;
        }
        case 'dead_letter':
          logger?.warn({ jobId: job.id, queue: handler.queue, reason: outcome.reason }, 'job dead-lettered');
          await queue.deadLetter(job, outcome.reason);
          deadLettered(job, outcome.reason, span);
          return;
      }
    } finally {
      span?.span.end();
    }
  }

  function deadLettered(job: ClaimedJob, reason: string, span: JobSpan | undefined): void {
    span?.span.setAttribute('hub.job.outcome', 'dead');
    failSpan(span?.span, `dead-lettered: ${reason}`);
    reportProblem(`${handler.queue} job dead-lettered`, {
      tags: { queue: handler.queue, job_id: job.id, tenant_id: job.tenantId ?? undefined, trace_id: span?.span.spanContext().traceId },
      extra: { reason: reason.slice(0, 1000), attempts: job.attempts + 1 },
    });
  }

  async function round(): Promise<number> {
    const jobs = await queue.claim(handler.queue, {
      max: options.batchSize ?? spec.batchSize,
      visibilityMs: spec.visibilityMs,
      workerId,
      // SQS long-polls (one request waits for messages); the database driver polls every idleMs.
      waitMs: queue.driver === 'sqs' ? 1000 : idleMs,
    });
    if (jobs.length === 0) return 0;
    const traced = traceJobs(queue, handler.queue, jobs);
    let outcomes: JobOutcome[];
    try {
      outcomes = await (traced ? handler.handle(jobs, traced.tracing) : handler.handle(jobs));
    } catch (err) {
      logger?.error({ err, queue: handler.queue, jobs: jobs.length }, 'job handler failed; retrying the batch');
      reportError(err, { tags: { queue: handler.queue }, extra: { jobs: jobs.length } });
      for (const span of traced?.spans.values() ?? []) failSpan(span.span, err);
      outcomes = jobs.map((j) => ({ kind: 'retry', afterMs: backoffMs(j.attempts), reason: String((err as Error)?.message ?? err) }));
    }
    await Promise.all(
      jobs.map((job, i) => apply(job, outcomes[i] ?? { kind: 'retry', afterMs: backoffMs(job.attempts), reason: 'no outcome' }, traced?.spans.get(job))),
    );
    return jobs.length;
  }

  const loop = (async () => {
    while (!stopping) {
      let handled = 0;
      try {
        handled = await round();
      } catch (err) {
        // The database or queue is unreachable: wait and try again; claimed jobs time out and return.
        logger?.error({ err, queue: handler.queue }, 'queue round failed');
        await sleep(1000);
        continue;
      }
      if (handled === 0) {
        const waiters = idleWaiters;
        idleWaiters = [];
        waiters.forEach((w) => w());
        if (!stopping) await sleep(idleMs);
      }
    }
  })();

  return {
    async stop() {
      stopping = true;
      wake?.();
      await loop;
    },
    idle() {
      return new Promise<void>((resolve) => idleWaiters.push(resolve));
    },
  };
}

/**
 * Runs `count` claim loops of one queue in this process. SKIP LOCKED (or SQS visibility) keeps their
 * jobs apart, so while one loop waits on the database or on Meta another works: round trips overlap.
 */
export function startConcurrentLoops(count: number, start: (index: number) => RunningWorker): RunningWorker {
  const loops = Array.from({ length: Math.max(1, count) }, (_, i) => start(i));
  return {
    async stop() {
      await Promise.all(loops.map((l) => l.stop()));
    },
    async idle() {
      await Promise.all(loops.map((l) => l.idle()));
    },
  };
}
