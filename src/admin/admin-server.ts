// The admin channel's server side: the running hub answers its operator's CLI on a Unix socket, so
// every command that touches the store goes through the one process that owns the database (the
// embedded PGlite must never be opened by two processes). Requests: `POST /v1/op/<name>` with the
// operation's JSON input → the operation's Outcome as JSON; `GET /v1/ping` → who is running.
import { chmodSync, existsSync, mkdirSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { createServer, type Server } from 'node:http';
import type { Logger } from '../lib/logger.ts';
import { runCatalogOperation, type CatalogContext } from '../operations/catalog.ts';
import { probeServer, type ServerIdentity } from './admin-socket.ts';

const MAX_BODY = 1024 * 1024;

export class ServerAlreadyRunning extends Error {
  constructor(readonly identity: ServerIdentity) {
    super(`another hub (pid ${identity.pid}) is running on this data directory`);
    this.name = 'ServerAlreadyRunning';
  }
}

/** Refuses when a live server answers on the socket; removes a stale socket file left by a killed one. */
export async function claimAdminSocket(socketPath: string): Promise<void> {
  const running = await probeServer(socketPath);
  if (running) throw new ServerAlreadyRunning(running);
  if (existsSync(socketPath)) unlinkSync(socketPath);
}

export interface AdminServer {
  close(): Promise<void>;
}

export async function startAdminServer(
  socketPath: string,
  ctx: CatalogContext,
  identity: ServerIdentity,
  logger?: Logger,
): Promise<AdminServer> {
  const server: Server = createServer((req, res) => {
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method === 'GET' && req.url === '/v1/ping') return reply(200, identity);
    const match = /^\/v1\/op\/([a-zA-Z.]{1,60})$/.exec(req.url ?? '');
    if (req.method !== 'POST' || !match) return reply(404, { error: 'no such admin route' });
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) req.destroy();
      else chunks.push(c);
    });
    req.on('end', () => {
      let input: unknown;
      try {
        input = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
      } catch {
        return reply(400, { error: 'the body is not JSON' });
      }
      runCatalogOperation(ctx, match[1]!, input).then(
        (outcome) => reply(200, outcome),
        (err: unknown) => {
          logger?.error({ err, operation: match[1] }, 'admin operation failed');
          reply(500, { error: (err as Error)?.message ?? String(err) });
        },
      );
    });
  });
  // On PostgreSQL nothing else creates the data directory; the socket needs it (owner-only, like the rest).
  mkdirSync(path.dirname(path.resolve(socketPath)), { recursive: true, mode: 0o700 });
  // Owner-only from the first instant: the socket file takes the process umask when it is created.
  const umask = process.umask(0o077);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(socketPath, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } finally {
    process.umask(umask);
  }
  chmodSync(socketPath, 0o600);
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
