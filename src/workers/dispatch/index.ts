// The dispatch worker: consumes `capi-dispatch` (see dispatch-handler.ts) and resumes waiting events
// when their Meta connection is healthy again (resume-waiting-events.ts).
import type { Runtime } from '../../bin/runtime.ts';
import { startQueueWorker, type RunningWorker } from '../queue-runner.ts';
import { createDispatchHandler } from './dispatch-handler.ts';
import { dispatchWorkerDeps, type DispatchWorkerDeps } from './dispatch-worker-deps.ts';
import { startResumeLoop } from './resume-waiting-events.ts';

export { createDispatchHandler } from './dispatch-handler.ts';
export { dispatchWorkerDeps, type DispatchWorkerDeps } from './dispatch-worker-deps.ts';
export { decideEventOutcome, type EventDecision } from './decide-event-outcome.ts';
export { startResumeLoop, type ResumeLoop } from './resume-waiting-events.ts';

/** Runs the dispatcher and its resume loop on an already built set of deps (tests, the demo, the bench). */
export function runDispatchWorker(deps: DispatchWorkerDeps, workerId: string, options: { idleMs?: number } = {}): RunningWorker {
  const worker = startQueueWorker({
    queue: deps.queue,
    handler: createDispatchHandler(deps),
    workerId,
    ...(deps.logger ? { logger: deps.logger } : {}),
    ...(deps.metrics ? { metrics: deps.metrics } : {}),
    ...(options.idleMs !== undefined ? { idleMs: options.idleMs } : {}),
  });
  const resume = startResumeLoop(deps);
  return {
    async stop() {
      await resume.stop();
      await worker.stop();
    },
    idle: () => worker.idle(),
  };
}

export function startDispatchWorker(runtime: Runtime, workerId: string): RunningWorker {
  const deps = dispatchWorkerDeps({
    store: runtime.store,
    queue: runtime.queue,
    box: runtime.box,
    graphUrl: runtime.config.metaGraphUrl,
    logger: runtime.logger,
    metrics: runtime.metrics,
  });
  return runDispatchWorker(deps, workerId);
}
