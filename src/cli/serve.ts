// `hub start`, `hub api`, `hub worker`: run the API and/or workers until SIGTERM/SIGINT, then drain:
// /readyz turns 503, workers finish the batch in hand, the listener closes — sockets that owe a request
// (idle, slow headers, slow bodies) at once, requests received whole when answered — and the store
// closes, all within HUB_SHUTDOWN_TIMEOUT_MS, exit 0.
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
import { startSharedGaugeRefresh, type SharedGaugeRefresh } from './shared-gauges.ts';
import { closeHttp, trackHttpConnections, type HttpConnections } from './drain-http.ts';
import type { IngestWriter } from '../api/ingest/ingest-writer.ts';
import { adminSocketPath } from '../admin/admin-socket.ts';
import { ServerAlreadyRunning, claimAdminSocket, startAdminServer, type AdminServer } from '../admin/admin-server.ts';
import { HUB_VERSION } from '../lib/version.ts';
import { isLocalUrl } from '../operations/tenants/pixel-tag.ts';
import { listTenants } from '../store/tenants.ts';
import { t } from './output.ts';

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
  // The API process answers its operator's CLI on the admin socket. On the embedded database the socket
  // is also the lock: it is claimed before the database files are opened, so a second `hub start` (or a
  // command) never opens them twice. A stale socket left by `kill -9` is removed.
  let socketPath = options.api || !config.databaseUrl ? adminSocketPath(config.dataDir) : undefined;
  let socketTaken = false;
  if (socketPath) {
    try {
      await claimAdminSocket(socketPath);
    } catch (err) {
      // On PostgreSQL several API processes may share a machine and a data directory: the first one
      // answers the CLI, the others just serve.
      if (!(config.databaseUrl && err instanceof ServerAlreadyRunning)) throw err;
      socketPath = undefined;
      socketTaken = true;
    }
  }
  const runtime = await openRuntime(config, { migrate: options.migrate });
  const lifecycle: Lifecycle = { draining: false };
  const workerId = `${os.hostname()}:${process.pid}`;
  let app: Awaited<ReturnType<typeof buildApp>> | undefined;
  let ingest: IngestWriter | undefined;
  let connections: HttpConnections | undefined;
  let workers: RunningWorker[] = [];

  if (options.api) {
    ingest = createIngestWriter(runtime.store, runtime.queue);
    app = await buildApp({ ...runtime, lifecycle, ingest });
    connections = trackHttpConnections(app.server);
    await app.listen({ port: config.port, host: config.host, backlog: LISTEN_BACKLOG });
  }
  workers = startWorkers(runtime, options.workers, workerId);
  let admin: AdminServer | undefined;
  if (socketTaken) runtime.logger.info('another hub process answers the admin channel of this data directory');
  if (socketPath) {
    const baseUrl = config.publicUrl ?? `http://localhost:${listeningPort(app, config.port)}`;
    try {
      admin = await startAdminServer(
        socketPath,
        { ...runtime, baseUrl },
        { pid: process.pid, version: HUB_VERSION, baseUrl, database: runtime.store.kind },
        runtime.logger,
      );
    } catch (err) {
      // Two PostgreSQL API processes starting together both found the socket free; the other one won it
      // and answers the CLI. (On the embedded database the claim above already refused a second server.)
      if (!(config.databaseUrl && (err as NodeJS.ErrnoException).code === 'EADDRINUSE')) throw err;
      runtime.logger.info('another hub process answers the admin channel of this data directory');
    }
  }
  // Every process (API and workers) serves /metrics on HUB_METRICS_PORT when it is set; never on HUB_PORT.
  let metricsListener: MetricsListener | undefined;
  let sharedGauges: SharedGaugeRefresh | undefined;
  if (config.metricsPort !== undefined) {
    sharedGauges = startSharedGaugeRefresh(runtime);
    metricsListener = await startMetricsListener(runtime.metrics, { port: config.metricsPort, host: config.host });
  }

  if (options.banner && app) {
    const base = config.publicUrl ?? `http://localhost:${listeningPort(app, config.port)}`;
    const db = runtime.store.kind === 'pglite' ? t('banner.embedded', { dir: config.dataDir }) : t('banner.postgres');
    const tenants = (await listTenants(runtime.store.db)).length;
    const lines = ['', `  ${t('banner.running', { db })}`, `  ${t('banner.url', { url: base })}`, `  ${t('banner.docs', { url: base })}`, ''];
    // An installation that has tenants needs no first step; a new one is told the next command.
    if (tenants === 0) lines.push(`  ${t('banner.createFirstTenant')}`, `    ${t('banner.createCommand')}`, '');
    else lines.push(`  ${t('banner.tenants', { count: tenants })}`, '');
    process.stdout.write(lines.join('\n') + '\n');
    if (isLocalUrl(base)) runtime.logger.warn({ url: base }, t('banner.localUrlWarning', { url: base }));
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
    // HTTP requests get the bound less what closing the rest takes; the workers drain meanwhile.
    const httpBoundMs = Math.max(0, config.shutdownTimeoutMs - Math.min(2_000, config.shutdownTimeoutMs / 4));
    const http = app && connections ? closeHttp(app, connections, httpBoundMs) : undefined;
    const [, httpClosed] = await Promise.allSettled([Promise.allSettled(workers.map((w) => w.stop())), http]);
    if (httpClosed.status === 'fulfilled' && httpClosed.value && (httpClosed.value.dropped > 0 || httpClosed.value.cut > 0)) {
      runtime.logger.info(httpClosed.value, 'closed client connections that owed a request (dropped) or outlasted the drain (cut)');
    }
    // Whatever a cut request had handed to the writer is committed before the store closes.
    await ingest?.flush().catch((err: unknown) => runtime.logger.warn({ err }, 'ingest flush at shutdown failed'));
    await admin?.close();
    await metricsListener?.close();
    await sharedGauges?.stop();
    await runtime.close();
    runtime.logger.info('drained; exiting');
    // The last spans and error reports of the drain go out before the process does.
    await Promise.allSettled([shutdownTracing(), closeErrorReporting()]);
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

function listeningPort(app: { server: { address(): unknown } } | undefined, fallback: number): number {
  const address = app?.server.address() as { port?: number } | null | undefined;
  return address?.port ?? fallback;
}

/** service.name for traces: one per kind of process, so a trace shows which hop ran where. */
function serviceName(options: ServeOptions): string {
  if (options.api && options.workers.length > 0) return 'hub';
  if (options.api) return 'hub-api';
  return `hub-worker-${options.workers.join('-') || 'none'}`;
}
