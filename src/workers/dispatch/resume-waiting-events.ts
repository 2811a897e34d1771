// Waiting events have no job. This loop, run by every dispatch worker, gives them one as soon as their
// tenant's Meta connection is healthy again (an operator saved a new token, or connected Meta for the
// first time): a few seconds after the fix, the backlog flows.
import { resumeWaitingCapiEvents } from '../../store/capi-events.ts';
import type { DispatchWorkerDeps } from './dispatch-worker-deps.ts';

const BATCH = 1_000;

export interface ResumeLoop {
  stop(): Promise<void>;
  /** Runs one pass now (tests). */
  runOnce(): Promise<number>;
}

export function startResumeLoop(deps: DispatchWorkerDeps): ResumeLoop {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;

  const pass = async (): Promise<number> => {
    let total = 0;
    for (;;) {
      const resumed = await resumeWaitingCapiEvents(deps.store.db, deps.queue, BATCH);
      total += resumed;
      if (resumed < BATCH || stopped) break;
    }
    if (total > 0) deps.logger?.info({ resumed: total }, 'waiting CAPI events resumed: their Meta connection is healthy');
    return total;
  };
  const runOnce = (): Promise<number> => {
    running = (running ?? Promise.resolve(0)).catch(() => 0).then(pass);
    return running;
  };
  const tick = () => {
    if (stopped) return;
    runOnce()
      .catch((err: unknown) => deps.logger?.error({ err }, 'resuming waiting CAPI events failed; will try again'))
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, deps.resumeIntervalMs);
      });
  };
  timer = setTimeout(tick, deps.resumeIntervalMs);

  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running?.catch(() => undefined);
    },
    runOnce,
  };
}
