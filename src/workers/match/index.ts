// The match worker: consumes `ingest-events` (see match-handler.ts).
import type { Runtime } from '../../bin/runtime.ts';
import { startQueueWorker, type RunningWorker } from '../queue-runner.ts';
import { createMatchHandler } from './match-handler.ts';
import { matchWorkerDeps } from './match-worker-deps.ts';

export { createMatchHandler } from './match-handler.ts';
export { matchWorkerDeps, type MatchWorkerDeps } from './match-worker-deps.ts';

export function startMatchWorker(runtime: Runtime, workerId: string): RunningWorker {
  const handler = createMatchHandler(
    matchWorkerDeps({ store: runtime.store, queue: runtime.queue, evidence: runtime.evidence, logger: runtime.logger, metrics: runtime.metrics }),
  );
  return startQueueWorker({ queue: runtime.queue, handler, workerId, logger: runtime.logger, metrics: runtime.metrics });
}
