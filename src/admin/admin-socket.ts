// Where the running server listens for its operator's commands: a Unix socket in the data directory,
// owner-only (0600 in a 0700 directory). Its presence proves nothing — `kill -9` leaves it behind — so
// liveness is always asked of the socket itself: a server that answers is running; a refused connect
// means a stale file that anyone may remove.
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import path from 'node:path';

export const SOCKET_FILE = 'hub.sock';
/** sun_path holds 108 bytes on Linux, 104 on macOS; stay under both. */
const MAX_SOCKET_PATH = 100;

export function adminSocketPath(dataDir: string): string {
  const absolute = path.resolve(dataDir, SOCKET_FILE);
  if (Buffer.byteLength(absolute) <= MAX_SOCKET_PATH) return absolute;
  // A long data directory path: the relative one works as long as the working directory is the same.
  const relative = path.relative(process.cwd(), absolute);
  if (Buffer.byteLength(relative) <= MAX_SOCKET_PATH) return relative;
  throw new Error(`the data directory path is too long for the admin socket (${absolute}); use a shorter HUB_DATA_DIR`);
}

export interface ServerIdentity {
  pid: number;
  version: string;
  /** The hub's public base URL as the server sees it (for tags and webhook URLs the CLI prints). */
  baseUrl: string;
  database: 'pglite' | 'postgres';
}

/** The running server's identity, or undefined when none answers on the socket (absent or stale). */
export async function probeServer(socketPath: string, timeoutMs = 2_000): Promise<ServerIdentity | undefined> {
  if (!existsSync(socketPath)) return undefined;
  try {
    const { status, body } = await adminRequest(socketPath, 'GET', '/v1/ping', undefined, timeoutMs);
    return status === 200 ? (body as ServerIdentity) : undefined;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ECONNREFUSED' || code === 'ENOENT' || code === 'ENOTSOCK') return undefined;
    throw err;
  }
}

export function adminRequest(
  socketPath: string,
  method: 'GET' | 'POST',
  urlPath: string,
  body: unknown,
  timeoutMs: number,
): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const req = request(
      {
        socketPath,
        method,
        path: urlPath,
        headers: payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {},
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          try {
            resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null') });
          } catch (err) {
            reject(err as Error);
          }
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(Object.assign(new Error('the admin channel did not answer in time'), { code: 'ETIMEDOUT' })));
    req.on('error', reject);
    req.end(payload);
  });
}
