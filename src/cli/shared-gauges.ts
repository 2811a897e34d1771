// The gauges that describe the whole deployment rather than this process — queue depth and age, the
// dispatch retry backlog — are read from the database (or SQS) in the background every `everyMs`, never
// when Prometheus scrapes: a scrape only renders the registry, so its cost does not depend on the
// database, and scraping faster adds no queries (issue 15: 2,000 scrapes that each ran these queries
// moved another tenant's webhook p95 from 80 ms to 1.9 s). A source that does not answer keeps its last
// value; one refresh runs at a time.
import type { Metrics } from '../lib/metrics.ts';
import type { Queue } from '../queue/queue.ts';
import { QUEUE_NAMES } from '../queue/queue.ts';
import type { Store } from '../store/connect.ts';
import { countDispatchBacklog } from '../store/capi-events.ts';

export const SHARED_GAUGES_EVERY_MS = 15_000;

export interface SharedGaugeRefresh {
  /** Reads every source now (the timer's work; tests call it to skip the wait). */
  refresh(): Promise<void>;
  stop(): Promise<void>;
}

export function startSharedGaugeRefresh(
  deps: { store: Store; queue: Queue; metrics: Metrics },
  options: { everyMs?: number } = {},
): SharedGaugeRefresh {
  const { metrics } = deps;
  let running: Promise<void> | undefined;

  async function readAll(): Promise<void> {
    const backlog = countDispatchBacklog(deps.store.db).then(
      (b) => {
        metrics.retryBacklog.set({ status: 'retrying' }, b.retrying);
        metrics.retryBacklog.set({ status: 'waiting' }, b.waiting);
      },
      () => undefined,
    );
    await Promise.all([
      backlog,
      ...QUEUE_NAMES.map(async (q) => {
        const d = await deps.queue.depth(q).catch(() => null);
        if (!d) return;
        metrics.queueDepth.set({ queue: q, state: 'ready' }, d.ready);
        metrics.queueDepth.set({ queue: q, state: 'in_flight' }, d.inFlight);
        metrics.queueDepth.set({ queue: q, state: 'dead' }, d.dead);
        metrics.queueOldestAge.set({ queue: q }, d.oldestAgeSeconds);
      }),
    ]);
  }

  const refresh = () => {
    running ??= readAll().finally(() => {
      running = undefined;
    });
    return running;
  };
  // The first reading at start, so the first scrape already has values.
  void refresh();
  const timer = setInterval(() => void refresh(), options.everyMs ?? SHARED_GAUGES_EVERY_MS);
  timer.unref();
  return {
    refresh,
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
