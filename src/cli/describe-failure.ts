// The last word of a failed command: what went wrong in the operator's terms, never a stack trace.
import { CliFailure, t } from './output.ts';
import { ServerAlreadyRunning } from '../admin/admin-server.ts';

/** PostgreSQL connection failures by driver code: the database, not the hub, is what to fix. */
const DATABASE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', '28P01', '28000', '3D000', '57P03']);

export function describeFailure(err: unknown, databaseUrl: string | undefined, dataDir: string): { text: string; exitCode: number } {
  if (err instanceof CliFailure) return { text: err.said, exitCode: err.exitCode };
  if (err instanceof ServerAlreadyRunning) return { text: t('cli.serverAlreadyRunning', { dir: dataDir, pid: err.identity.pid }), exitCode: 1 };
  const code = codeOf(err);
  if (databaseUrl && code && DATABASE_CODES.has(code)) {
    return { text: t('cli.databaseUnreachable', { url: redactUrl(databaseUrl), reason: `${code}: ${messageOf(err)}` }), exitCode: 1 };
  }
  return { text: messageOf(err), exitCode: 1 };
}

function codeOf(err: unknown): string | undefined {
  // pg wraps connect errors in AggregateError (one per address tried), Kysely passes them through.
  const e = err as { code?: unknown; errors?: unknown[]; cause?: unknown };
  if (typeof e?.code === 'string') return e.code;
  if (Array.isArray(e?.errors)) return e.errors.map(codeOf).find(Boolean);
  if (e?.cause) return codeOf(e.cause);
  return undefined;
}

function messageOf(err: unknown): string {
  const e = err as { message?: string; errors?: unknown[] };
  if (e?.message) return e.message;
  if (Array.isArray(e?.errors) && e.errors.length) return messageOf(e.errors[0]);
  return String(err);
}

/** The database URL without its password, for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'HUB_DATABASE_URL';
  }
}
