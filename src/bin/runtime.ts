// Wires configuration to real parts: the database, the queue driver, the secret box, logs, metrics.
// Every command (start, api, worker, migrate, tenant) opens one runtime and closes it at the end.
import type { Config } from '../config.ts';
import { connectStore, type Store } from '../store/connect.ts';
import { migrate } from '../store/migrate.ts';
import { createLogger, type Logger } from '../lib/logger.ts';
import { createMetrics, type Metrics } from '../lib/metrics.ts';
import { createSecretBox, type SecretBox } from '../lib/secret-box.ts';
import { createDbQueue } from '../queue/db-queue.ts';
import type { Queue } from '../queue/queue.ts';
import { resolveEncryptionKey } from './encryption-key.ts';
import { createDbEvidenceStore, type EvidenceStore } from '../evidence/index.ts';

export interface Runtime {
  config: Config;
  store: Store;
  queue: Queue;
  evidence: EvidenceStore;
  box: SecretBox;
  logger: Logger;
  metrics: Metrics;
  close(): Promise<void>;
}

export async function openRuntime(config: Config, options: { migrate?: boolean; logger?: Logger } = {}): Promise<Runtime> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const { key, created, file } = resolveEncryptionKey(config);
  if (created) logger.info({ file }, 'created a new encryption key for connection secrets; back it up with the data directory');
  const store = await connectStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    if (options.migrate) {
      const applied = await migrate(store);
      if (applied.length) logger.info({ applied }, 'applied migrations');
    }
  } catch (err) {
    await store.close();
    throw err;
  }
  const { queue, stop: stopQueue } = await createQueue(config, store, logger);
  const evidence = await createEvidence(config);
  return {
    config,
    store,
    queue,
    evidence,
    box: createSecretBox(key),
    logger,
    metrics: createMetrics({ defaultMetrics: true }),
    async close() {
      await stopQueue();
      await evidence.close();
      await store.close();
    },
  };
}

/** The configured queue driver, and how to stop it (with what runs beside it) before the database closes. */
// The AWS SDK is loaded only by processes configured for SQS or S3: it is tens of megabytes of memory
// that the embedded and database-only modes never use.
async function createEvidence(config: Config): Promise<EvidenceStore> {
  if (config.evidence === 'db') return createDbEvidenceStore();
  const { createEvidenceStore } = await import('../evidence/create-evidence-store.ts');
  return createEvidenceStore(config);
}

async function createQueue(config: Config, store: Store, logger: Logger): Promise<{ queue: Queue; stop(): Promise<void> }> {
  switch (config.queue) {
    case 'db': {
      const queue = createDbQueue(store.db);
      return { queue, stop: () => queue.close() };
    }
    case 'sqs': {
      const { createOutboxRelay } = await import('../queue/outbox-relay.ts');
      const { createSqsQueue } = await import('../queue/sqs-queue.ts');
      // Every process that uses SQS relays the outbox: whatever it enqueues is published from here, and
      // rows left by a process that died are published by any other (SKIP LOCKED shares the table).
      const relay = createOutboxRelay({ db: store.db, publisher: { publish: (q, jobs) => queue.publish(q, jobs) }, logger });
      const queue = createSqsQueue({ db: store.db, prefix: config.sqsQueuePrefix, logger, onEnqueue: () => relay.nudge() });
      relay.start();
      // Create the queues now if missing (without holding up start: SQS may come up later; first use retries).
      queue.queueUrls('ingest-events').catch((err: unknown) => logger.warn({ err }, 'SQS queues not ready; will retry on first use'));
      return {
        queue,
        async stop() {
          await relay.stop();
          // A last round, so a short command (replay) hands its jobs to SQS before it exits; what fails stays
          // in the outbox for the next relay.
          await relay.publishOnce().catch((err: unknown) => logger.warn({ err }, 'outbox left for the next relay'));
          await queue.close();
        },
      };
    }
  }
}
