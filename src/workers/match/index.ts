// The match worker: consumes `ingest-events` (see match-handler.ts).
import type { Runtime } from '../../bin/runtime.ts';
import { startConcurrentLoops, startQueueWorker, type RunningWorker } from '../queue-runner.ts';
import { createMatchHandler } from './match-handler.ts';
import { matchWorkerDeps, type MatchWorkerDeps } from './match-worker-deps.ts';

export { createMatchHandler } from './match-handler.ts';
export { matchWorkerDeps, type MatchWorkerDeps } from './match-worker-deps.ts';

/**
 * Several claim loops per process on PostgreSQL: an event's work is a dozen short queries, so one loop
 * spends most of its time waiting on round trips; others fill that time. PGlite has one connection.
 */
const DEFAULT_LOOPS = 4;

export function runMatchWorker(deps: MatchWorkerDeps, workerId: string, options: { loops?: number } = {}): RunningWorker {
  const count = options.loops ?? (deps.store.kind === 'pglite' ? 1 : DEFAULT_LOOPS);
  return startConcurrentLoops(count, (i) =>
    startQueueWorker({
      queue: deps.queue,
      handler: createMatchHandler(deps),
      workerId: `${workerId}#${i}`,
      ...(deps.logger ? { logger: deps.logger } : {}),
      ...(deps.metrics ? { metrics: deps.metrics } : {}),
    }),
  );
}

export function startMatchWorker(runtime: Runtime, workerId: string): RunningWorker {
  return runMatchWorker(
    matchWorkerDeps({ store: runtime.store, queue: runtime.queue, evidence: runtime.evidence, logger: runtime.logger, metrics: runtime.metrics }),
    workerId,
  );
}
