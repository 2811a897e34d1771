// Runs a queue's handler: claim a batch, let the handler decide each job's outcome, apply it.
// The runner, not the handler, decides what retrying means (backoff, dead-letter after the limit);
// a handler that throws retries the whole batch, so a crash or a database blip never loses a job.
import type { Logger } from '../lib/logger.ts';
import type { Metrics } from '../lib/metrics.ts';
import type { ClaimedJob, Queue, QueueName } from '../queue/queue.ts';
import { jobCatalog } from '../queue/job-catalog.ts';

export type JobOutcome =
  | { kind: 'ok' }
  | { kind: 'retry'; afterMs: number; reason: string }
  | { kind: 'dead_letter'; reason: string }
  /** The handler already re-scheduled or removed the job itself. */
  | { kind: 'handled' };

export interface JobHandler {
  queue: QueueName;
  handle(jobs: ClaimedJob[]): Promise<JobOutcome[]>;
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

  async function apply(job: ClaimedJob, outcome: JobOutcome): Promise<void> {
    metrics?.jobs.inc({ queue: handler.queue, outcome: outcome.kind });
    switch (outcome.kind) {
      case 'ok':
        return queue.ack(job);
      case 'handled':
        return;
      case 'retry': {
        const result = await queue.retry(job, { delayMs: outcome.afterMs, error: outcome.reason, maxAttempts: spec.maxAttempts });
        if (result === 'dead') logger?.warn({ jobId: job.id, queue: handler.queue, reason: outcome.reason }, 'job dead-lettered after retries');
        return;
      }
      case 'dead_letter':
        logger?.warn({ jobId: job.id, queue: handler.queue, reason: outcome.reason }, 'job dead-lettered');
        return queue.deadLetter(job, outcome.reason);
    }
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
    let outcomes: JobOutcome[];
    try {
      outcomes = await handler.handle(jobs);
    } catch (err) {
      logger?.error({ err, queue: handler.queue, jobs: jobs.length }, 'job handler failed; retrying the batch');
      outcomes = jobs.map((j) => ({ kind: 'retry', afterMs: backoffMs(j.attempts), reason: String((err as Error)?.message ?? err) }));
    }
    await Promise.all(jobs.map((job, i) => apply(job, outcomes[i] ?? { kind: 'retry', afterMs: backoffMs(job.attempts), reason: 'no outcome' })));
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
