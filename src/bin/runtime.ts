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

export interface Runtime {
  config: Config;
  store: Store;
  queue: Queue;
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
  const queue = createQueue(config, store);
  return {
    config,
    store,
    queue,
    box: createSecretBox(key),
    logger,
    metrics: createMetrics({ defaultMetrics: true }),
    async close() {
      await queue.close();
      await store.close();
    },
  };
}

function createQueue(config: Config, store: Store): Queue {
  switch (config.queue) {
    case 'db':
      return createDbQueue(store.db);
    case 'sqs':
      throw new Error('HUB_QUEUE=sqs is not available in this build yet; use HUB_QUEUE=db');
  }
}
