// What the API needs from the outside world, passed in by src/bin (or a test).
import type { Config } from '../config.ts';
import type { Store } from '../store/connect.ts';
import type { SecretBox } from '../lib/secret-box.ts';
import type { Logger } from '../lib/logger.ts';
import type { Queue } from '../queue/queue.ts';
import type { Metrics } from '../lib/metrics.ts';
import type { IngestWriter } from './ingest/ingest-writer.ts';
import type { EvidenceStore } from '../evidence/index.ts';

export interface Lifecycle {
  /** True once shutdown began: /readyz answers 503 so load balancers stop sending. */
  draining: boolean;
}

export interface AppDeps {
  config: Config;
  store: Store;
  box: SecretBox;
  queue: Queue;
  /** Where raw webhook bodies go when not in the events row (HUB_EVIDENCE=s3). */
  evidence?: EvidenceStore;
  metrics: Metrics;
  /** Durable, group-committed writes of ingested events and their jobs. */
  ingest: IngestWriter;
  logger?: Logger;
  lifecycle?: Lifecycle;
  clock?: () => Date;
}
