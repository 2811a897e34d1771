// `hub start`, `hub api`, `hub worker`: run the API and/or workers until SIGTERM/SIGINT, then drain:
// /readyz turns 503, workers finish the batch in hand, the listener closes, all within a bound.
import os from 'node:os';
import { buildApp, LISTEN_BACKLOG } from '../api/app.ts';
import type { Lifecycle } from '../api/deps.ts';
import type { Config } from '../config.ts';
import { openRuntime } from '../bin/runtime.ts';
import { startWorkers, type WorkerName } from '../workers/index.ts';
import type { RunningWorker } from '../workers/queue-runner.ts';
import { createIngestWriter } from '../api/ingest/ingest-writer.ts';
import { initTracing, shutdownTracing } from '../lib/tracing.ts';
import { closeErrorReporting, initErrorReporting } from '../lib/error-reporting.ts';
import { startMetricsListener, type MetricsListener } from './metrics-listener.ts';

export interface ServeOptions {
  api: boolean;
  workers: WorkerName[];
  migrate: boolean;
  banner?: boolean;
}

export async function serve(config: Config, options: ServeOptions): Promise<void> {
  // Before anything that makes spans or errors; both are no-ops without their variable.
  await initTracing({ endpoint: config.otelEndpoint, serviceName: serviceName(options) });
  await initErrorReporting(config.sentryDsn);
  const runtime = await openRuntime(config, { migrate: options.migrate });
  const lifecycle: Lifecycle = { draining: false };
  const workerId = `${os.hostname()}:${process.pid}`;
  let app: Awaited<ReturnType<typeof buildApp>> | undefined;
  let workers: RunningWorker[] = [];

  if (options.api) {
    app = await buildApp({ ...runtime, lifecycle, ingest: createIngestWriter(runtime.store, runtime.queue) });
    await app.listen({ port: config.port, host: config.host, backlog: LISTEN_BACKLOG });
  }
  workers = startWorkers(runtime, options.workers, workerId);
  let metricsListener: MetricsListener | undefined;
  if (!options.api && config.metricsPort !== undefined) {
    metricsListener = await startMetricsListener(runtime.metrics, { port: config.metricsPort, host: config.host });
  }

  if (options.banner && app) {
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const base = config.publicUrl ?? `http://localhost:${port}`;
    const db = runtime.store.kind === 'pglite' ? `embedded PGlite in ${config.dataDir}` : 'PostgreSQL';
    process.stdout.write(
      [
        '',
        `  Hub is running on ${db}`,
        `  URL:   ${base}`,
        `  Docs:  ${base}/docs`,
        '',
        '  Create your first tenant:',
        '    npx hub tenant create --name "My Store"',
        '',
      ].join('\n') + '\n',
    );
  }

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    lifecycle.draining = true;
    runtime.logger.info({ signal }, 'draining');
    const timer = setTimeout(() => {
      runtime.logger.error('drain took too long; exiting');
      process.exit(1);
    }, config.shutdownTimeoutMs);
    timer.unref();
    await Promise.allSettled(workers.map((w) => w.stop()));
    if (app) await app.close();
    await metricsListener?.close();
    await runtime.close();
    // The last spans and error reports of the drain go out before the process does.
    await Promise.allSettled([shutdownTracing(), closeErrorReporting()]);
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

/** service.name for traces: one per kind of process, so a trace shows which hop ran where. */
function serviceName(options: ServeOptions): string {
  if (options.api && options.workers.length > 0) return 'hub';
  if (options.api) return 'hub-api';
  return `hub-worker-${options.workers.join('-') || 'none'}`;
}
