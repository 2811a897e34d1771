// Can this token see this pixel (dataset)? One GET /{version}/{pixel_id}?fields=id,name, timed and
// classified — the check behind PUT /api/v1/connections/meta (docs/meta-connection.md says why this
// read and not /debug_token, which needs an app token the hub does not have).
// Never throws: a timeout, a network error or an answer that makes no sense is a result too.
//
// The token goes in the query string, the way Graph documents reads (a GET has no body); the URL is
// never logged, and every text that leaves here has the token cut out.
import { classifyMetaError } from './classify-meta-response.ts';
import { parseMetaError, type MetaErrorDetails } from './parse-meta-error.ts';

export interface ReadPixelParams {
  /** "https://graph.facebook.com", or a sandbox URL. */
  graphUrl: string;
  apiVersion: string;
  pixelId: string;
  accessToken: string;
  timeoutMs: number;
  fetchImpl?: typeof fetch;
}

/** Why Meta said no, in the terms of what the seller has to fix. */
export type PixelRefusal = 'token_expired' | 'token_invalid' | 'no_permission' | 'pixel_not_found';
/** Why there is no verdict: nothing proves the token works, nothing proves it does not. */
export type PixelNoAnswer = 'timeout' | 'network' | 'meta_unavailable' | 'unexpected_answer';

export interface MetaAnswer {
  httpStatus: number | null;
  code: number | null;
  subcode: number | null;
  /** Meta's own words (English, as Graph sends them), token cut out. */
  message: string | null;
  fbtraceId: string | null;
}

export type PixelRead =
  | { kind: 'readable'; pixelName: string | null; answer: MetaAnswer }
  | { kind: 'refused'; reason: PixelRefusal; answer: MetaAnswer }
  | { kind: 'no_answer'; reason: PixelNoAnswer; answer: MetaAnswer };

/** Graph's subcode for "Error validating access token: Session has expired on …" (code 190). */
const SESSION_EXPIRED = 463;
/** "(#803) Some of the aliases you requested do not exist" — an id that names nothing. */
const ALIAS_NOT_FOUND = 803;
const INVALID_PARAMETER = 100;
const OBJECT_NOT_FOUND_SUBCODE = 33;

export async function readPixel(params: ReadPixelParams): Promise<PixelRead> {
  const fetchImpl = params.fetchImpl ?? fetch;
  const query = new URLSearchParams({ fields: 'id,name', access_token: params.accessToken });
  const url = `${params.graphUrl.replace(/\/+$/, '')}/${encodeURIComponent(params.apiVersion)}/${encodeURIComponent(params.pixelId)}?${query}`;
  const redact = (text: string | null): string | null =>
    text === null || params.accessToken.length === 0 ? text : text.split(params.accessToken).join('[redacted]');

  let status: number;
  let text: string;
  let traceHeader: string | null;
  try {
    const response = await fetchImpl(url, {
      method: 'GET',
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(params.timeoutMs),
    });
    status = response.status;
    traceHeader = response.headers.get('x-fb-trace-id');
    // The timeout covers the body too: a server that stalls mid-answer times out.
    text = await response.text();
  } catch (error) {
    const timedOut = isTimeout(error);
    return {
      kind: 'no_answer',
      reason: timedOut ? 'timeout' : 'network',
      answer: {
        httpStatus: null,
        code: null,
        subcode: null,
        message: redact(timedOut ? `no answer within ${params.timeoutMs} ms` : describeNetworkError(error)),
        fbtraceId: null,
      },
    };
  }
  const read = classifyPixelRead(status, parseJson(text), params.pixelId, traceHeader);
  return { ...read, answer: { ...read.answer, message: redact(read.answer.message) } } as PixelRead;
}

/** Pure: what an answer to GET /{pixel_id}?fields=id,name means. Table-tested in read-pixel.test.ts. */
export function classifyPixelRead(status: number, body: unknown, pixelId: string, traceHeader: string | null = null): PixelRead {
  const error = parseMetaError(body);
  const answer = answerOf(status, error, traceHeader);
  if (status >= 200 && status < 300 && !error) {
    const record = isRecord(body) ? body : null;
    // Graph answers the node it read; anything else (a proxy's page, another object) proves nothing.
    if (record && String(record.id ?? '') === pixelId) {
      const name = typeof record.name === 'string' && record.name.trim() ? record.name.trim().slice(0, 200) : null;
      return { kind: 'readable', pixelName: name, answer };
    }
    return { kind: 'no_answer', reason: 'unexpected_answer', answer: { ...answer, message: answer.message ?? `HTTP ${status} without the pixel's id` } };
  }
  if (!error) {
    const kind = status >= 500 || status === 429 || status === 408 ? 'meta_unavailable' : 'unexpected_answer';
    return { kind: 'no_answer', reason: kind, answer: { ...answer, message: `HTTP ${status} without a Graph error` } };
  }
  const refusal = refusalOf(error);
  if (refusal) return { kind: 'refused', reason: refusal, answer };
  switch (classifyMetaError(status, error)) {
    case 'throttled':
    case 'transient':
      return { kind: 'no_answer', reason: 'meta_unavailable', answer };
    case 'auth':
    case 'bad_data':
      return { kind: 'no_answer', reason: 'unexpected_answer', answer };
  }
}

// Codes per Graph's error-handling guide (docs/meta-connection.md quotes it): 190 token expired or
// invalid (subcode 463: expired), 102/104 session or token missing or invalid, 10 and 200-299
// permission, 100/33 and 803 object missing or not visible to this token.
function refusalOf(error: MetaErrorDetails): PixelRefusal | null {
  const { code, subcode } = error;
  if (code === 190) return subcode === SESSION_EXPIRED ? 'token_expired' : 'token_invalid';
  if (code === 102 || code === 104) return 'token_invalid';
  if (code === 10 || (code !== null && code >= 200 && code <= 299)) return 'no_permission';
  if ((code === INVALID_PARAMETER && subcode === OBJECT_NOT_FOUND_SUBCODE) || code === ALIAS_NOT_FOUND) return 'pixel_not_found';
  return null;
}

function answerOf(status: number, error: MetaErrorDetails | null, traceHeader: string | null): MetaAnswer {
  return {
    httpStatus: status,
    code: error?.code ?? null,
    subcode: error?.subcode ?? null,
    message: error ? ([error.userTitle, error.userMessage ?? error.message].filter(Boolean).join(' — ') || null) : null,
    fbtraceId: error?.fbtraceId ?? traceHeader,
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// AbortSignal.timeout() rejects fetch with a DOMException named "TimeoutError" (Node 20).
function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === 'TimeoutError' || (error.cause instanceof Error && error.cause.name === 'TimeoutError'));
}

function describeNetworkError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${(error.cause as NodeJS.ErrnoException).code ?? error.cause.message}` : '';
  return `${error.message}${cause}`;
}
