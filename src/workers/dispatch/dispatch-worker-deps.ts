// What the dispatch worker needs from the process: the database, the queue (to re-enqueue resumed
// events), the secret box (to open the Meta token), where Meta is, a clock, a random source for the
// retry jitter, and where to report.
import type { Logger } from '../../lib/logger.ts';
import type { Metrics } from '../../lib/metrics.ts';
import type { SecretBox } from '../../lib/secret-box.ts';
import type { Queue } from '../../queue/queue.ts';
import type { Store } from '../../store/connect.ts';
import { DEFAULT_RETRY_POLICY, RECOMMENDED_REQUEST_TIMEOUT_MS, type RetryPolicy } from '../../domain/meta/index.ts';

export interface DispatchWorkerDeps {
  store: Pick<Store, 'db' | 'kind'>;
  queue: Queue;
  box: SecretBox;
  /** HUB_META_GRAPH_URL: https://graph.facebook.com, or a Meta sandbox. */
  graphUrl: string;
  logger?: Logger;
  metrics?: Metrics;
  now: () => Date;
  /** [0, 1), for the retry jitter. */
  rng: () => number;
  fetchImpl?: typeof fetch;
  requestTimeoutMs: number;
  retryPolicy: RetryPolicy;
  /** How often waiting events are checked for a connection that became healthy again. */
  resumeIntervalMs: number;
}

export function dispatchWorkerDeps(
  deps: Pick<DispatchWorkerDeps, 'store' | 'queue' | 'box' | 'graphUrl'> & Partial<DispatchWorkerDeps>,
): DispatchWorkerDeps {
  return {
    now: () => new Date(),
    rng: Math.random,
    requestTimeoutMs: RECOMMENDED_REQUEST_TIMEOUT_MS,
    retryPolicy: DEFAULT_RETRY_POLICY,
    resumeIntervalMs: 2_000,
    ...deps,
  };
}
