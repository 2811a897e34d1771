// The hub's API for the pipeline benchmark, in its own process: real PostgreSQL (HUB_BENCH_DATABASE_URL,
// already migrated), the queue driver named by HUB_QUEUE (db by default; sqs with the AWS_* variables
// the parent set for its emulator), the group-committing ingest writer, silent logs.
// Prints {port} once listening; SIGTERM closes it.
import { buildApp, LISTEN_BACKLOG } from '../../src/api/app.ts';
import { createIngestWriter } from '../../src/api/ingest/ingest-writer.ts';
import { openRuntime } from '../../src/bin/runtime.ts';
import { createLogger } from '../../src/lib/logger.ts';
import { benchConfig } from './bench-config.ts';

const runtime = await openRuntime(benchConfig(), { logger: createLogger('silent') });
const app = await buildApp({
  ...runtime,
  ingest: createIngestWriter(runtime.store, runtime.queue),
  lifecycle: { draining: false },
});
await app.listen({ host: '127.0.0.1', port: 0, backlog: LISTEN_BACKLOG });
const address = app.server.address();
process.stdout.write(JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 }) + '\n');
process.on('SIGTERM', () => {
  void app
    .close()
    .then(() => runtime.close())
    .then(() => process.exit(0));
});
