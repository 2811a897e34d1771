// The hub's API for the pipeline benchmark, in its own process: real PostgreSQL (HUB_BENCH_DATABASE_URL,
// already migrated), the database queue and the group-committing ingest writer, silent logs.
// Prints {port} once listening; SIGTERM closes it.
import { buildApp } from '../../src/api/app.ts';
import { createIngestWriter } from '../../src/api/ingest/ingest-writer.ts';
import { testConfig } from '../../src/config.ts';
import { createLogger } from '../../src/lib/logger.ts';
import { createMetrics } from '../../src/lib/metrics.ts';
import { createSecretBox } from '../../src/lib/secret-box.ts';
import { createDbQueue } from '../../src/queue/db-queue.ts';
import { connectStore } from '../../src/store/connect.ts';

const databaseUrl = process.env.HUB_BENCH_DATABASE_URL;
if (!databaseUrl) throw new Error('HUB_BENCH_DATABASE_URL is required');

const config = testConfig({ databaseUrl, logLevel: 'silent', rateLimitPerMinute: 1_000_000_000 });
const store = await connectStore({ databaseUrl, poolSize: 10 });
const queue = createDbQueue(store.db);
const app = await buildApp({
  config,
  store,
  queue,
  box: createSecretBox(config.encryptionKey!),
  metrics: createMetrics(),
  ingest: createIngestWriter(store, queue),
  logger: createLogger('silent'),
  lifecycle: { draining: false },
});
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
process.stdout.write(JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 }) + '\n');
process.on('SIGTERM', () => {
  void app
    .close()
    .then(() => store.close())
    .then(() => process.exit(0));
});
