// The alert evaluator: every HUB_ALERT_INTERVAL_MS a pass (evaluate-alerts.ts) reads each tenant's
// facts, opens and resolves its alerts and posts what changed to the alert webhooks. It runs beside
// the dispatcher (src/workers/index.ts): a process that sends to Meta also watches how that goes.
// With several such processes one evaluates at a time (an advisory lock); the others skip the round.
import type { Runtime } from '../../bin/runtime.ts';
import type { RunningWorker } from '../queue-runner.ts';
import { alertsWorkerDeps, type AlertsWorkerDeps } from './alerts-worker-deps.ts';
import { runAlertsPass, type AlertsPassResult } from './evaluate-alerts.ts';

export { alertsWorkerDeps, type AlertsWorkerDeps } from './alerts-worker-deps.ts';
export { runAlertsPass, type AlertsPassResult } from './evaluate-alerts.ts';
export { postAlert, type AlertPayload } from './post-alert.ts';

export interface AlertsLoop extends RunningWorker {
  /** Runs one pass now (tests, and the first pass after start). */
  runOnce(): Promise<AlertsPassResult>;
}

export function startAlertsLoop(deps: AlertsWorkerDeps): AlertsLoop {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<AlertsPassResult> | undefined;
  let idleWaiters: Array<() => void> = [];
  // Stopping cuts a pass short (a webhook in flight, tenants not reached yet): the next pass, in this
  // process or another, does the rest, so a drain never waits on a slow webhook.
  const stopping = new AbortController();

  const runOnce = (): Promise<AlertsPassResult> => {
    // Passes never overlap in one process: a slow webhook delays the next one, it does not double it.
    const next = (running ?? Promise.resolve(undefined)).catch(() => undefined).then(() => runAlertsPass(deps, stopping.signal));
    running = next;
    return next;
  };
  const tick = () => {
    if (stopped) return;
    runOnce()
      .catch((err: unknown) => deps.logger?.error({ err }, 'alert evaluation failed; will try again'))
      .finally(() => {
        const waiters = idleWaiters;
        idleWaiters = [];
        waiters.forEach((w) => w());
        if (!stopped) timer = setTimeout(tick, deps.intervalMs);
      });
  };
  timer = setTimeout(tick, deps.intervalMs);

  return {
    runOnce,
    async stop() {
      stopped = true;
      stopping.abort();
      if (timer) clearTimeout(timer);
      await running?.catch(() => undefined);
    },
    idle() {
      return new Promise<void>((resolve) => idleWaiters.push(resolve));
    },
  };
}

export function startAlertsWorker(runtime: Runtime): AlertsLoop {
  return startAlertsLoop(
    alertsWorkerDeps({
      store: runtime.store,
      box: runtime.box,
      graphUrl: runtime.config.metaGraphUrl,
      locale: runtime.config.locale,
      fallbackWebhookUrl: runtime.config.alertWebhookUrl,
      intervalMs: runtime.config.alertIntervalMs,
      logger: runtime.logger,
      metrics: runtime.metrics,
    }),
  );
}

/** A worker and the alert evaluator beside it, stopped together. */
export function withAlerts(worker: RunningWorker, alerts: RunningWorker): RunningWorker {
  return {
    async stop() {
      await Promise.all([alerts.stop(), worker.stop()]);
    },
    idle: () => worker.idle(),
  };
}
