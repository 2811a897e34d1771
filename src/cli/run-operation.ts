// How a CLI command runs an operation: through the running server when one answers on the admin
// socket (so nothing is written where the server cannot see it, and the embedded database is never
// opened twice), else in this process on a runtime it opens and closes itself.
import pino from 'pino';
import type { Config } from '../config.ts';
import { adminRequest, adminSocketPath, probeServer } from '../admin/admin-socket.ts';
import type { Outcome } from '../operations/outcome.ts';
import type { OperationInput, OperationName } from '../operations/catalog.ts';
import { createLogger } from '../lib/logger.ts';
import { claimAdminSocket, startAdminServer, type AdminServer } from '../admin/admin-server.ts';
import { HUB_VERSION } from '../lib/version.ts';

export interface OperationRunner {
  run<N extends OperationName>(name: N, input: OperationInput<N>): Promise<Outcome<unknown>>;
  /** The hub's public base URL (for tags and webhook URLs the command prints). */
  baseUrl: string;
  via: 'server' | 'local';
  close(): Promise<void>;
}

const ADMIN_TIMEOUT_MS = 120_000;

export async function openOperationRunner(config: Config): Promise<OperationRunner> {
  const socketPath = adminSocketPath(config.dataDir);
  const server = await probeServer(socketPath);
  if (server) {
    return {
      via: 'server',
      baseUrl: server.baseUrl,
      async run(name, input) {
        const { status, body } = await adminRequest(socketPath, 'POST', `/v1/op/${name}`, input, ADMIN_TIMEOUT_MS);
        if (status !== 200) throw new Error(`the running server failed the operation: ${(body as { error?: string })?.error ?? status}`);
        return body as Outcome<unknown>;
      },
      close: async () => {},
    };
  }
  // Logs go to stderr so `--json` output stays machine-readable.
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel, pino.destination(2));
  const { openRuntime } = await import('../bin/runtime.ts');
  const { runCatalogOperation } = await import('../operations/catalog.ts');
  const baseUrl = config.publicUrl ?? `http://localhost:${config.port}`;
  // The embedded database belongs to one process at a time: while this command has it open, it holds
  // the admin socket too, so a `hub start` meanwhile refuses instead of opening the files a second time,
  // and another command runs through this one.
  let admin: AdminServer | undefined;
  if (!config.databaseUrl) await claimAdminSocket(socketPath);
  const runtime = await openRuntime(config, { migrate: !config.databaseUrl, logger });
  const ctx = { ...runtime, baseUrl };
  if (!config.databaseUrl) {
    admin = await startAdminServer(socketPath, ctx, { pid: process.pid, version: HUB_VERSION, baseUrl, database: 'pglite' }, logger);
  }
  return {
    via: 'local',
    baseUrl,
    run: (name, input) => runCatalogOperation(ctx, name, input),
    async close() {
      await admin?.close();
      await runtime.close();
    },
  };
}

/** Opens a runner, runs one operation, closes. */
export async function runOperation<N extends OperationName>(config: Config, name: N, input: OperationInput<N>): Promise<Outcome<unknown>> {
  const runner = await openOperationRunner(config);
  try {
    return await runner.run(name, input);
  } finally {
    await runner.close();
  }
}
