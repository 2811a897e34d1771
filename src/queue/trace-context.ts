// How a job's trace context crosses a queue: the W3C `traceparent` of the span that enqueued it, in
// the payload's `_trace` field (the SQS driver also copies it to the `traceparent` message attribute).
//
// The one rule for producers: every driver's enqueue stamps `_trace` from the active span onto jobs
// that do not carry one (stampTrace below), so whatever a job's handling enqueues (the match worker's
// dispatch jobs) follows its trace with no code of its own. Work enqueued with no span active (a
// replay, the resume loop) starts no trace. A producer that writes for several callers at once
// (the API's group-committing ingest writer) sets `_trace` per job itself and enqueues outside any span.
import { currentTraceparent, tracingEnabled } from '../lib/tracing.ts';

const TRACEPARENT = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

/** The payload's traceparent (`_trace` as a string, or `{ traceparent }`), if well formed. */
export function traceparentOf(payload: unknown): string | undefined {
  if (typeof payload !== 'object' || payload === null) return undefined;
  const trace = (payload as { _trace?: unknown })._trace;
  const value = typeof trace === 'object' && trace !== null ? (trace as { traceparent?: unknown }).traceparent : trace;
  return typeof value === 'string' && TRACEPARENT.test(value) ? value : undefined;
}

/** The payload with `_trace` set from the active span, unless tracing is off, no span is active, or it has one. */
export function stampTrace(payload: unknown): unknown {
  if (!tracingEnabled()) return payload;
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload) || '_trace' in payload) return payload;
  const traceparent = currentTraceparent();
  return traceparent ? { ...payload, _trace: traceparent } : payload;
}
