// When does the seller's Meta token expire? GET /{version}/debug_token?input_token=T&access_token=T.
//
// Graph documents debug_token as returning, in `data`, `is_valid`, `expires_at` (Unix seconds; 0 when
// the token never expires) and `data_access_expires_at`, and wants as `access_token` "an app access
// token or an app developer's user access token for the app associated with the input_token" — "The
// tokens must be from the same app" (docs/meta-connection.md cites both pages). The hub holds only the
// seller's token, so it asks with that same token: a user token of the app's developer is answered;
// a system-user token has been reported refused with code 100 "You must provide an app access token"
// [derived]. Both are handled: a refusal to describe the token is `not_available` (the expiry is
// unknown, nothing is wrong), never an alarm. Never throws.
import type { MetaAnswer } from '../meta/index.ts';
import { graphGet, isRecord, type GraphGetResult } from './graph-get.ts';

export interface ReadTokenDebugParams {
  graphUrl: string;
  apiVersion: string;
  accessToken: string;
  timeoutMs: number;
  fetchImpl?: typeof fetch;
}

export type TokenDebugRead =
  /** `expiresAt` null: Meta says it never expires (expires_at 0). */
  | { kind: 'valid'; expiresAt: Date | null; dataAccessExpiresAt: Date | null; tokenType: string | null; answer: MetaAnswer }
  /** Meta says the token does not work: `is_valid: false`, or the call itself refused it (190, 102, 104). */
  | { kind: 'invalid'; reason: string; answer: MetaAnswer }
  /** Meta would not describe this token to itself (code 100: it wants an app token; or a permission code). */
  | { kind: 'not_available'; answer: MetaAnswer }
  /** Timeout, network, Meta unavailable or throttling, or an answer that makes no sense: ask again later. */
  | { kind: 'no_answer'; answer: MetaAnswer };

export async function readTokenDebug(params: ReadTokenDebugParams): Promise<TokenDebugRead> {
  const result = await graphGet({
    graphUrl: params.graphUrl,
    apiVersion: params.apiVersion,
    path: 'debug_token',
    query: { input_token: params.accessToken },
    accessToken: params.accessToken,
    timeoutMs: params.timeoutMs,
    ...(params.fetchImpl ? { fetchImpl: params.fetchImpl } : {}),
  });
  return classifyTokenDebug(result);
}

/** Pure: what an answer to debug_token means. Table-tested in read-token-debug.test.ts. */
export function classifyTokenDebug(result: GraphGetResult): TokenDebugRead {
  if (result.kind === 'no_answer') return { kind: 'no_answer', answer: result.answer };
  const { status, body, error, answer } = result;
  if (status >= 200 && status < 300 && !error) {
    const data = isRecord(body) && isRecord(body.data) ? body.data : null;
    if (!data || typeof data.is_valid !== 'boolean') return { kind: 'no_answer', answer: { ...answer, message: `HTTP ${status} without data.is_valid` } };
    if (!data.is_valid) {
      const inner = isRecord(data.error) && typeof data.error.message === 'string' ? data.error.message : 'Meta says the token is not valid';
      return { kind: 'invalid', reason: inner.replace(/\s+/g, ' ').slice(0, 300), answer };
    }
    return {
      kind: 'valid',
      expiresAt: unixTime(data.expires_at),
      dataAccessExpiresAt: unixTime(data.data_access_expires_at),
      tokenType: typeof data.type === 'string' ? data.type : null,
      answer,
    };
  }
  if (!error) return { kind: 'no_answer', answer: { ...answer, message: answer.message ?? `HTTP ${status} without a Graph error` } };
  const { code } = error;
  if (code === 190 || code === 102 || code === 104) return { kind: 'invalid', reason: answer.message ?? `code ${code}`, answer };
  if (code === 100 || code === 10 || (code !== null && code >= 200 && code <= 299)) return { kind: 'not_available', answer };
  // Throttling, a temporary error, anything else: no verdict this time.
  return { kind: 'no_answer', answer };
}

/** 0 (or absent) is "never"; anything else is Unix seconds. */
function unixTime(value: unknown): Date | null {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? new Date(value * 1000) : null;
}
