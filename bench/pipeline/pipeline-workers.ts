// The match and/or dispatch workers for the pipeline benchmark, in their own process, exactly as
// `hub worker` runs them (queue runner + handlers) on PostgreSQL (HUB_BENCH_DATABASE_URL), sending to
// the Meta sandbox at HUB_BENCH_GRAPH_URL. HUB_BENCH_WORKERS = "match,dispatch" (default), "match" or
// "dispatch". Prints {ready: true}; SIGTERM drains and exits.
import { testConfig } from '../../src/config.ts';
import { createLogger } from '../../src/lib/logger.ts';
import { createMetrics } from '../../src/lib/metrics.ts';
import { createSecretBox } from '../../src/lib/secret-box.ts';
import { createDbQueue } from '../../src/queue/db-queue.ts';
import { connectStore } from '../../src/store/connect.ts';
import type { RunningWorker } from '../../src/workers/queue-runner.ts';
import { matchWorkerDeps, runMatchWorker } from '../../src/workers/match/index.ts';
import { dispatchWorkerDeps, runDispatchWorker } from '../../src/workers/dispatch/index.ts';

const databaseUrl = process.env.HUB_BENCH_DATABASE_URL;
const graphUrl = process.env.HUB_BENCH_GRAPH_URL;
if (!databaseUrl || !graphUrl) throw new Error('HUB_BENCH_DATABASE_URL and HUB_BENCH_GRAPH_URL are required');
const kinds = (process.env.HUB_BENCH_WORKERS ?? 'match,dispatch').split(',');

const config = testConfig({ databaseUrl, logLevel: 'warn' });
const logger = createLogger('warn', process.stderr);
const metrics = createMetrics();
const store = await connectStore({ databaseUrl, poolSize: 10 });
const queue = createDbQueue(store.db);
const workers: RunningWorker[] = [];
if (kinds.includes('match')) {
  workers.push(runMatchWorker(matchWorkerDeps({ store, queue, logger, metrics }), `bench:${process.pid}:match`));
}
if (kinds.includes('dispatch')) {
  const deps = dispatchWorkerDeps({ store, queue, box: createSecretBox(config.encryptionKey!), graphUrl, logger, metrics });
  workers.push(runDispatchWorker(deps, `bench:${process.pid}:dispatch`));
}
process.stdout.write(JSON.stringify({ ready: true, workers: kinds }) + '\n');
process.on('SIGTERM', () => {
  void Promise.allSettled(workers.map((w) => w.stop()))
    .then(() => store.close())
    .then(() => process.exit(0));
});
