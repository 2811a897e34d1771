// The hub's API as the ingest benchmark runs it: its own process, real PostgreSQL (HUB_BENCH_DATABASE_URL,
// migrated here), the database queue, the group-committing ingest writer, silent logs, and a rate limit
// high enough not to interfere. Creates a tenant and prints {port, publicKey} on stdout.
import { buildApp, LISTEN_BACKLOG } from '../../src/api/app.ts';
import { createIngestWriter } from '../../src/api/ingest/ingest-writer.ts';
import { testConfig } from '../../src/config.ts';
import { createLogger } from '../../src/lib/logger.ts';
import { createMetrics } from '../../src/lib/metrics.ts';
import { createSecretBox } from '../../src/lib/secret-box.ts';
import { createDbQueue } from '../../src/queue/db-queue.ts';
import { connectStore } from '../../src/store/connect.ts';
import { migrate } from '../../src/store/migrate.ts';
import { createTenant } from '../../src/store/tenants.ts';

const databaseUrl = process.env.HUB_BENCH_DATABASE_URL;
if (!databaseUrl) throw new Error('HUB_BENCH_DATABASE_URL is required');

const config = testConfig({ databaseUrl, logLevel: 'silent', rateLimitPerMinute: 1_000_000_000 });
const store = await connectStore({ databaseUrl, poolSize: 10 });
await migrate(store);
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
const { publicKey } = await createTenant(store.db, { name: 'Bench' });
await app.listen({ host: '127.0.0.1', port: 0, backlog: LISTEN_BACKLOG });
const address = app.server.address();
process.stdout.write(JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0, publicKey }) + '\n');
process.on('SIGTERM', () => {
  void app
    .close()
    .then(() => store.close())
    .then(() => process.exit(0));
});
