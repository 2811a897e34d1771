// The match and/or dispatch workers for the pipeline benchmark, in their own process, exactly as
// `hub worker` runs them (queue runner + handlers) on PostgreSQL (HUB_BENCH_DATABASE_URL), sending to
// the Meta sandbox at HUB_BENCH_GRAPH_URL. HUB_BENCH_WORKERS = "match,dispatch" (default), "match" or
// "dispatch". Prints {ready: true}; SIGTERM drains and exits.
import { openRuntime } from '../../src/bin/runtime.ts';
import { createLogger } from '../../src/lib/logger.ts';
import type { RunningWorker } from '../../src/workers/queue-runner.ts';
import { matchWorkerDeps, runMatchWorker } from '../../src/workers/match/index.ts';
import { dispatchWorkerDeps, runDispatchWorker } from '../../src/workers/dispatch/index.ts';
import { benchConfig } from './bench-config.ts';

const graphUrl = process.env.HUB_BENCH_GRAPH_URL;
if (!graphUrl) throw new Error('HUB_BENCH_GRAPH_URL is required');
const kinds = (process.env.HUB_BENCH_WORKERS ?? 'match,dispatch').split(',');

const runtime = await openRuntime(benchConfig(), { logger: createLogger('warn', process.stderr) });
const { store, queue, logger, metrics } = runtime;
const workers: RunningWorker[] = [];
if (kinds.includes('match')) {
  workers.push(runMatchWorker(matchWorkerDeps({ store, queue, logger, metrics }), `bench:${process.pid}:match`));
}
if (kinds.includes('dispatch')) {
  const deps = dispatchWorkerDeps({ store, queue, box: runtime.box, graphUrl, logger, metrics });
  workers.push(runDispatchWorker(deps, `bench:${process.pid}:dispatch`));
}
process.stdout.write(JSON.stringify({ ready: true, workers: kinds }) + '\n');
process.on('SIGTERM', () => {
  void Promise.allSettled(workers.map((w) => w.stop()))
    .then(() => runtime.close())
    .then(() => process.exit(0));
});
