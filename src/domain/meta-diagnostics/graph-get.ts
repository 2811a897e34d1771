// One GET to Meta's Graph API with a seller's token, timed, for the diagnostics reads (debug_token,
// dataset_quality). Never throws: a timeout or a network error is an answer too. The token travels
// in the query string as Graph documents reads (a GET has no body); the URL is never logged, and
// every text that leaves here has the token cut out.
import { parseMetaError, type MetaAnswer, type MetaErrorDetails } from '../meta/index.ts';

export interface GraphGetParams {
  /** "https://graph.facebook.com", or a sandbox URL. */
  graphUrl: string;
  apiVersion: string;
  /** The edge, e.g. "debug_token" or "dataset_quality". */
  path: string;
  query: Record<string, string>;
  /** The seller's token; cut out of every message. */
  accessToken: string;
  timeoutMs: number;
  fetchImpl?: typeof fetch;
}

export type GraphGetResult =
  | { kind: 'answer'; status: number; body: unknown; error: MetaErrorDetails | null; answer: MetaAnswer }
  | { kind: 'no_answer'; reason: 'timeout' | 'network'; answer: MetaAnswer };

export async function graphGet(params: GraphGetParams): Promise<GraphGetResult> {
  const query = new URLSearchParams({ ...params.query, access_token: params.accessToken });
  const url = `${params.graphUrl.replace(/\/+$/, '')}/${encodeURIComponent(params.apiVersion)}/${params.path}?${query}`;
  const redact = (text: string | null): string | null =>
    text === null || params.accessToken.length === 0 ? text : text.split(params.accessToken).join('[redacted]');
  try {
    const response = await (params.fetchImpl ?? fetch)(url, {
      method: 'GET',
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(params.timeoutMs),
    });
    const text = await response.text();
    const body = parseJson(text);
    const error = parseMetaError(body);
    return {
      kind: 'answer',
      status: response.status,
      body,
      error,
      answer: {
        httpStatus: response.status,
        code: error?.code ?? null,
        subcode: error?.subcode ?? null,
        message: redact(error ? [error.userTitle, error.userMessage ?? error.message].filter(Boolean).join(' — ') || null : null),
        fbtraceId: error?.fbtraceId ?? response.headers.get('x-fb-trace-id'),
      },
    };
  } catch (err) {
    const timedOut = err instanceof Error && (err.name === 'TimeoutError' || (err.cause instanceof Error && err.cause.name === 'TimeoutError'));
    const message = timedOut ? `no answer within ${params.timeoutMs} ms` : describeNetworkError(err);
    return {
      kind: 'no_answer',
      reason: timedOut ? 'timeout' : 'network',
      answer: { httpStatus: null, code: null, subcode: null, message: redact(message), fbtraceId: null },
    };
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function describeNetworkError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${(error.cause as NodeJS.ErrnoException).code ?? error.cause.message}` : '';
  return `${error.message}${cause}`;
}
