// Turns what came back from POST /{pixel_id}/events into the one decision the dispatcher needs:
// done, try again (maybe after a given wait), fix the connection, or fix the data.
// Recovery per error code follows Graph API's error-handling guide
// (https://developers.facebook.com/docs/graph-api/guides/error-handling, protocols.md §1.6):
//   1 unknown, 2 service error: retry · 4 app, 17 user, 32 page, 341 app limit, 613 custom
//   limit, 80000-80014 business-use-case limits: throttled, retry later · 368 temporarily blocked:
//   retry later · 102/104/190 session or token invalid, 10 and 200-299 permission missing: get a
//   new token or grant access · 100 invalid parameter: fix the payload (CAPI subcodes 2804003
//   event too old, 2804050 too little customer information) — except subcode 33, "object does
//   not exist or missing permissions", which on a pixel means the token cannot see it.
// And from the CAPI support page: "retry the request in cases where the response indicates a
// non-client error, such as a timeout" (https://developers.facebook.com/docs/marketing-api/conversions-api/support).
import { parseMetaError, type MetaErrorDetails } from './parse-meta-error.ts';
import { headerValue, parseBusinessUseCaseWait, parseRetryAfter, type HeaderBag } from './retry-after.ts';

export type MetaOutcome =
  | { kind: 'ok'; eventsReceived: number; fbtraceId: string | null }
  | { kind: 'retry'; afterMs?: number; reason: string; code?: number }
  | { kind: 'invalid_token'; reason: string; code: number }
  | { kind: 'invalid_data'; reason: string; code: number; subcode: number | null };

export type MetaResponseInput =
  | { kind: 'response'; status: number; body: unknown; headers?: HeaderBag }
  | { kind: 'network_error'; error: unknown }
  | { kind: 'timeout'; timeoutMs: number };

export type MetaErrorClass = 'throttled' | 'transient' | 'auth' | 'bad_data';

const THROTTLING_CODES: ReadonlySet<number> = new Set([4, 17, 32, 341, 613]);
const BUSINESS_USE_CASE_CODES = { from: 80000, to: 80014 } as const;
const TRANSIENT_CODES: ReadonlySet<number> = new Set([1, 2, 368]);
const AUTH_CODES: ReadonlySet<number> = new Set([10, 102, 104, 190]);
const PERMISSION_CODES = { from: 200, to: 299 } as const;
const INVALID_PARAMETER = 100;
const OBJECT_NOT_FOUND_SUBCODE = 33;

export function classifyMetaResponse(input: MetaResponseInput, now: Date = new Date()): MetaOutcome {
  switch (input.kind) {
    case 'timeout':
      return { kind: 'retry', reason: `Meta did not answer within ${input.timeoutMs} ms` };
    case 'network_error':
      return { kind: 'retry', reason: `could not reach Meta: ${describeNetworkError(input.error)}` };
    case 'response':
      return classifyHttpResponse(input.status, input.body, input.headers, now);
  }
}

function classifyHttpResponse(status: number, body: unknown, headers: HeaderBag | undefined, now: Date): MetaOutcome {
  const retryAfterMs = parseRetryAfter(headerValue(headers, 'retry-after'), now);
  const error = parseMetaError(body);

  if (status >= 200 && status < 300 && !error) {
    const received = (body as { events_received?: unknown } | null)?.events_received;
    if (typeof received === 'number' && Number.isSafeInteger(received)) {
      const traceId = (body as { fbtrace_id?: unknown }).fbtrace_id;
      return { kind: 'ok', eventsReceived: received, fbtraceId: typeof traceId === 'string' ? traceId : traceHeader(headers) };
    }
    // A 2xx we cannot read (a proxy page, a changed format): sending again is safe because Meta
    // deduplicates on event_id, and losing the batch is not.
    return withWait({ kind: 'retry', reason: `Meta answered HTTP ${status} without events_received` }, retryAfterMs);
  }

  const errorClass = classifyMetaError(status, error);
  const code = error?.code ?? undefined;
  const what = describeError(status, error);
  switch (errorClass) {
    case 'throttled': {
      const afterMs = retryAfterMs ?? parseBusinessUseCaseWait(headerValue(headers, 'x-business-use-case-usage'));
      return withWait({ kind: 'retry', reason: `Meta is rate limiting requests: ${what}`, ...codeField(code) }, afterMs);
    }
    case 'transient':
      return withWait({ kind: 'retry', reason: `Meta had a temporary problem: ${what}`, ...codeField(code) }, retryAfterMs);
    case 'auth':
      return {
        kind: 'invalid_token',
        reason: `the access token was refused or cannot use this pixel; generate a new token or grant it access to the pixel: ${what}`,
        code: code ?? status,
      };
    case 'bad_data':
      return {
        kind: 'invalid_data',
        reason: `Meta rejected the events; fix the data before sending again: ${what}`,
        code: code ?? status,
        subcode: error?.subcode ?? null,
      };
  }
}

/**
 * The class of a Graph API error: the one table both the dispatcher (above) and the connection check
 * (read-pixel.ts) read, so a code cannot mean one thing to one and another to the other.
 */
export function classifyMetaError(status: number, error: MetaErrorDetails | null): MetaErrorClass {
  const code = error?.code ?? null;
  if (code !== null) {
    if (THROTTLING_CODES.has(code) || inRange(code, BUSINESS_USE_CASE_CODES)) return 'throttled';
    if (AUTH_CODES.has(code) || inRange(code, PERMISSION_CODES)) return 'auth';
    if (code === INVALID_PARAMETER && error?.subcode === OBJECT_NOT_FOUND_SUBCODE) return 'auth';
    if (TRANSIENT_CODES.has(code) || error?.isTransient === true) return 'transient';
  }
  // No code we know: fall back on the HTTP status.
  if (status === 429) return 'throttled';
  if (status >= 500 || status === 408) return 'transient';
  if (code === null && (status === 401 || status === 403)) return 'auth';
  if (status >= 200 && status < 300 && code === null) return 'transient';
  return 'bad_data';
}

function describeError(status: number, error: MetaErrorDetails | null): string {
  if (!error) return `HTTP ${status} with no error details`;
  const parts = [`HTTP ${status}`];
  if (error.code !== null) parts.push(`code ${error.code}${error.subcode !== null ? `/${error.subcode}` : ''}`);
  const text = [error.userTitle, error.userMessage ?? error.message].filter(Boolean).join(' — ');
  return `${parts.join(', ')}${text ? `: ${text}` : ''}${error.fbtraceId ? ` (fbtrace_id ${error.fbtraceId})` : ''}`;
}

function describeNetworkError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // fetch wraps the socket error ("fetch failed") with the useful part in `cause`.
  const cause = error.cause instanceof Error ? `: ${(error.cause as NodeJS.ErrnoException).code ?? error.cause.message}` : '';
  return `${error.message}${cause}`;
}

function traceHeader(headers: HeaderBag | undefined): string | null {
  return headerValue(headers, 'x-fb-trace-id');
}

function withWait<T extends { kind: 'retry' }>(outcome: T, afterMs: number | undefined): T & { afterMs?: number } {
  return afterMs === undefined ? outcome : { ...outcome, afterMs };
}

function codeField(code: number | undefined): { code?: number } {
  return code === undefined ? {} : { code };
}

function inRange(code: number, range: { from: number; to: number }): boolean {
  return code >= range.from && code <= range.to;
}
