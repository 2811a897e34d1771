// What the match worker needs from the process: the database, the queue (to enqueue dispatch jobs
// in the same transaction), a clock, and where to report.
import type { Logger } from '../../lib/logger.ts';
import type { Metrics } from '../../lib/metrics.ts';
import type { Queue } from '../../queue/queue.ts';
import type { Store } from '../../store/connect.ts';
import type { EvidenceStore } from '../../evidence/index.ts';

export interface MatchWorkerDeps {
  store: Pick<Store, 'db' | 'kind'>;
  queue: Queue;
  /** Where raw webhook bodies are kept when not in the events row (HUB_EVIDENCE=s3). */
  evidence?: EvidenceStore;
  logger?: Logger;
  metrics?: Metrics;
  now: () => Date;
  /** How long after receipt a purchase whose pass-through session is unknown waits for it (default 2 min). */
  passthroughWaitMs: number;
  /** Delay between those waits (default 20 s). */
  passthroughRetryMs: number;
}

export function matchWorkerDeps(
  deps: Omit<MatchWorkerDeps, 'now' | 'passthroughWaitMs' | 'passthroughRetryMs'> & Partial<MatchWorkerDeps>,
): MatchWorkerDeps {
  return { now: () => new Date(), passthroughWaitMs: 120_000, passthroughRetryMs: 20_000, ...deps };
}
