// What Meta says about a tenant's token, for the token rules: its expiry, and whether debug_token
// found it invalid. Asked at most once a day per token (an hour after Meta did not answer), the
// answer kept in meta_readings so every worker process shares it and a restart does not ask again.
// A connection already known broken is not asked: token_refused says so from its health.
import type { Db } from '../../store/connect.ts';
import type { Connection } from '../../store/database.ts';
import { openMetaConnection } from '../../store/connections.ts';
import { credentialDigest, getMetaReading, putMetaReading } from '../../store/meta-readings.ts';
import { DEFAULT_GRAPH_API_VERSION } from '../../domain/meta/index.ts';
import { readTokenDebug, type TokenDebugRead } from '../../domain/meta-diagnostics/index.ts';
import type { AlertFacts, TokenExpiryFact } from '../../domain/alerts/index.ts';
import type { AlertsWorkerDeps } from './alerts-worker-deps.ts';

type TokenFacts = Pick<AlertFacts['meta'], 'tokenExpiry' | 'tokenRefusedByDebug'>;

/** What is kept of a debug_token answer. */
interface StoredTokenReading {
  kind: TokenDebugRead['kind'];
  /** ISO time, or null: never expires (or unknown). */
  expiresAt: string | null;
  reason: string | null;
}

const UNKNOWN: TokenFacts = { tokenExpiry: { kind: 'unknown' }, tokenRefusedByDebug: null };

export async function readTokenFacts(deps: AlertsWorkerDeps, db: Db, tenantId: string, connection: Connection | undefined, now: Date): Promise<TokenFacts> {
  if (!connection || connection.health === 'unhealthy') return UNKNOWN;
  const opened = openMetaConnection(deps.box, connection);
  if (!opened.ok) return UNKNOWN;
  const { pixelId, accessToken, graphApiVersion, secretCiphertext } = opened.value;
  const credential = credentialDigest(secretCiphertext, pixelId);

  const cached = await getMetaReading(db, tenantId, 'token_debug');
  if (cached && cached.credential === credential) {
    const stored = cached.value as unknown as StoredTokenReading;
    const ttl = stored.kind === 'no_answer' ? deps.tokenNoAnswerTtlMs : deps.tokenReadingTtlMs;
    if (now.getTime() - cached.fetchedAt.getTime() < ttl) return factsOf(stored);
  }
  const read = await readTokenDebug({
    graphUrl: deps.graphUrl,
    apiVersion: graphApiVersion ?? DEFAULT_GRAPH_API_VERSION,
    accessToken,
    timeoutMs: deps.requestTimeoutMs,
    ...(deps.fetchImpl ? { fetchImpl: deps.fetchImpl } : {}),
  });
  const stored: StoredTokenReading = {
    kind: read.kind,
    expiresAt: read.kind === 'valid' && read.expiresAt ? read.expiresAt.toISOString() : null,
    reason: read.kind === 'invalid' ? read.reason : read.kind === 'valid' ? null : read.answer.message,
  };
  await putMetaReading(db, tenantId, 'token_debug', { credential, fetchedAt: now, value: { ...stored } });
  if (read.kind === 'no_answer') deps.logger?.info({ tenantId, reason: read.answer.message }, 'Meta did not say when the token expires; will ask again');
  return factsOf(stored);
}

function factsOf(stored: StoredTokenReading): TokenFacts {
  switch (stored.kind) {
    case 'valid':
      return { tokenExpiry: expiryOf(stored.expiresAt), tokenRefusedByDebug: null };
    case 'invalid':
      return { tokenExpiry: { kind: 'unknown' }, tokenRefusedByDebug: stored.reason ?? 'Meta says the token is not valid' };
    case 'not_available':
      return UNKNOWN;
    case 'no_answer':
      return { tokenExpiry: { kind: 'no_answer' }, tokenRefusedByDebug: null };
  }
}

function expiryOf(expiresAt: string | null): TokenExpiryFact {
  if (!expiresAt) return { kind: 'never' };
  const date = new Date(expiresAt);
  return Number.isNaN(date.getTime()) ? { kind: 'unknown' } : { kind: 'expires', expiresAt: date };
}
