// One POST of a batch of server events to Meta, timed and classified. No retries here: the
// dispatcher decides with classify's outcome and retry-schedule. No logging either; the result
// carries what an attempt record needs, and nothing in it contains the access token.
//
// Where the token goes: in the JSON body, as the official SDK does (event-request.js execute():
// params = {data, partner_agent, test_event_code, …, access_token}, POSTed as JSON). Meta's
// using-the-api page shows it as a query parameter, which also works, but a URL ends up in proxy
// and access logs; a body does not.
import { classifyMetaResponse, type MetaOutcome } from './classify-meta-response.ts';
import { parseMetaError } from './parse-meta-error.ts';
import type { MetaServerEvent } from './types.ts';

export interface SendEventsParams {
  /** "https://graph.facebook.com", or a sandbox URL. */
  graphUrl: string;
  /** "v24.0". */
  apiVersion: string;
  pixelId: string;
  accessToken: string;
  testEventCode?: string | null;
  events: readonly MetaServerEvent[];
  timeoutMs: number;
  fetchImpl?: typeof fetch;
  /** Monotonic clock for the duration; injectable for tests. */
  clock?: () => number;
}

export interface SendResult {
  outcome: MetaOutcome;
  /** Null when no HTTP response arrived (network error or timeout). */
  httpStatus: number | null;
  errorCode: number | null;
  errorSubcode: number | null;
  errorMessage: string | null;
  fbtraceId: string | null;
  durationMs: number;
  eventCount: number;
  /** The `messages` of an accepted request (Meta's notes on the events; usually empty). */
  messages?: string[];
}

export async function sendEvents(params: SendEventsParams): Promise<SendResult> {
  const fetchImpl = params.fetchImpl ?? fetch;
  const clock = params.clock ?? (() => performance.now());
  const url = `${params.graphUrl.replace(/\/+$/, '')}/${encodeURIComponent(params.apiVersion)}/${encodeURIComponent(params.pixelId)}/events`;
  const body = JSON.stringify({
    data: params.events,
    ...(params.testEventCode ? { test_event_code: params.testEventCode } : {}),
    access_token: params.accessToken,
  });
  const redact = (text: string | null): string | null =>
    text === null || params.accessToken.length === 0 ? text : text.split(params.accessToken).join('[redacted]');

  const startedAt = clock();
  const elapsed = (): number => Math.max(0, Math.round(clock() - startedAt));
  const base = { eventCount: params.events.length };

  let response: Response;
  let text: string;
  try {
    response = await fetchImpl(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body,
      signal: AbortSignal.timeout(params.timeoutMs),
    });
    // The timeout signal also covers reading the body: a server that stalls mid-body times out.
    text = await response.text();
  } catch (error) {
    const timedOut = isTimeout(error);
    const outcome = timedOut
      ? classifyMetaResponse({ kind: 'timeout', timeoutMs: params.timeoutMs })
      : classifyMetaResponse({ kind: 'network_error', error });
    const safeOutcome = redactOutcome(outcome, redact);
    return {
      ...base,
      outcome: safeOutcome,
      httpStatus: null,
      errorCode: null,
      errorSubcode: null,
      errorMessage: safeOutcome.kind === 'ok' ? null : safeOutcome.reason,
      fbtraceId: null,
      durationMs: elapsed(),
    };
  }

  const durationMs = elapsed();
  const parsed = parseJson(text);
  const outcome = classifyMetaResponse({ kind: 'response', status: response.status, body: parsed, headers: response.headers });
  const error = parseMetaError(parsed);
  const fbtraceId =
    outcome.kind === 'ok' ? outcome.fbtraceId : (error?.fbtraceId ?? response.headers.get('x-fb-trace-id'));
  return {
    ...base,
    ...(outcome.kind === 'ok' ? { messages: messagesOf(parsed).map((m) => redact(m) ?? '') } : {}),
    outcome: redactOutcome(outcome, redact),
    httpStatus: response.status,
    errorCode: error?.code ?? null,
    errorSubcode: error?.subcode ?? null,
    errorMessage: redact(error?.message ?? (outcome.kind === 'ok' ? null : outcome.reason)),
    fbtraceId,
    durationMs,
  };
}

// Meta's messages do not echo tokens as far as we know, but a proxy's might: never let one out.
function redactOutcome(outcome: MetaOutcome, redact: (text: string | null) => string | null): MetaOutcome {
  return outcome.kind === 'ok' ? outcome : { ...outcome, reason: redact(outcome.reason) ?? '' };
}

// A success answer is {"events_received", "messages": [...], "fbtrace_id"}; keep the strings only.
function messagesOf(body: unknown): string[] {
  const messages = (body as { messages?: unknown } | null)?.messages;
  return Array.isArray(messages) ? messages.filter((m): m is string => typeof m === 'string').slice(0, 20) : [];
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

// AbortSignal.timeout() rejects fetch with a DOMException named "TimeoutError" (Node 20).
function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === 'TimeoutError' || (error.cause instanceof Error && error.cause.name === 'TimeoutError'));
}
