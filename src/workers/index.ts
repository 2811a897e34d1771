// The background workers a process can run. `hub worker <name>` starts one; `hub start` starts all.
import type { Runtime } from '../bin/runtime.ts';
import type { RunningWorker } from './queue-runner.ts';
import { startMatchWorker } from './match/index.ts';
import { startDispatchWorker } from './dispatch/index.ts';
import { startAlertsWorker, withAlerts } from './alerts/index.ts';

export type WorkerName = 'match' | 'dispatch';
export type WorkerFactory = (runtime: Runtime, workerId: string) => RunningWorker;

/** Filled in by the match and dispatch workers (src/workers/match, src/workers/dispatch). */
export const workerRegistry: Partial<Record<WorkerName, WorkerFactory>> = {};
workerRegistry.match = startMatchWorker;
// The alert evaluator runs beside every dispatcher (one evaluates at a time: src/workers/alerts).
workerRegistry.dispatch = (runtime, workerId) => withAlerts(startDispatchWorker(runtime, workerId), startAlertsWorker(runtime));

export function startWorkers(runtime: Runtime, names: WorkerName[], workerId: string): RunningWorker[] {
  const started: RunningWorker[] = [];
  for (const name of names) {
    const factory = workerRegistry[name];
    if (!factory) {
      runtime.logger.warn({ worker: name }, 'worker not available in this build; skipped');
      continue;
    }
    started.push(factory(runtime, `${workerId}:${name}`));
  }
  return started;
}
