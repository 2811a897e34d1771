// The dispatch worker: consumes `capi-dispatch` (see dispatch-handler.ts) and resumes waiting events
// when their Meta connection is healthy again (resume-waiting-events.ts).
import type { Runtime } from '../../bin/runtime.ts';
import { startConcurrentLoops, startQueueWorker, type RunningWorker } from '../queue-runner.ts';
import { createDispatchHandler } from './dispatch-handler.ts';
import { dispatchWorkerDeps, type DispatchWorkerDeps } from './dispatch-worker-deps.ts';
import { startResumeLoop } from './resume-waiting-events.ts';

const DEFAULT_LOOPS = 2;
/**
 * How long an idle claim loop sleeps before asking again. A purchase waits for this after its match
 * commits, so it is short: an empty claim is one indexed query.
 */
const DEFAULT_IDLE_MS = 50;

export { createDispatchHandler } from './dispatch-handler.ts';
export { dispatchWorkerDeps, type DispatchWorkerDeps } from './dispatch-worker-deps.ts';
export { decideEventOutcome, type EventDecision } from './decide-event-outcome.ts';
export { startResumeLoop, type ResumeLoop } from './resume-waiting-events.ts';

/**
 * Runs the dispatcher and its resume loop on an already built set of deps (tests, the demo, the
 * bench). `loops` claim loops share the work (SKIP LOCKED keeps their jobs apart): while one waits
 * on Meta or the database, the other claims and sends, so round trips overlap.
 */
export function runDispatchWorker(deps: DispatchWorkerDeps, workerId: string, options: { idleMs?: number; loops?: number } = {}): RunningWorker {
  // PGlite has one connection: a second loop would only queue behind the first.
  const count = options.loops ?? (deps.store.kind === 'pglite' ? 1 : DEFAULT_LOOPS);
  const loops = startConcurrentLoops(count, (i) =>
    startQueueWorker({
      queue: deps.queue,
      handler: createDispatchHandler(deps),
      workerId: `${workerId}#${i}`,
      ...(deps.logger ? { logger: deps.logger } : {}),
      ...(deps.metrics ? { metrics: deps.metrics } : {}),
      idleMs: options.idleMs ?? DEFAULT_IDLE_MS,
    }),
  );
  const resume = startResumeLoop(deps);
  return {
    async stop() {
      await resume.stop();
      await loops.stop();
    },
    idle: () => loops.idle(),
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
