// The API's request span (SERVER): started in onRequest, ended in onResponse with the status. Made by
// hand in two hooks rather than by patching node:http, so it names the route and costs nothing when
// tracing is off: the hooks are not even registered then. Routes that enqueue work read the span's
// traceparent with requestTraceparent(request) and hand it to the ingest writer (the job's `_trace`).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { currentTraceparent, failSpan, SpanKind, startSpan, tracingEnabled, type Span } from '../../lib/tracing.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The request span while tracing is on; null otherwise. */
    traceSpan: Span | null;
  }
}

export function registerRequestTracing(app: FastifyInstance): void {
  app.decorateRequest('traceSpan', null);
  if (!tracingEnabled()) return;

  app.addHook('onRequest', async (request) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const incoming = request.headers.traceparent;
    request.traceSpan =
      startSpan(`${request.method} ${route}`, {
        kind: SpanKind.SERVER,
        parent: typeof incoming === 'string' ? incoming : undefined,
        attributes: {
          'http.request.method': request.method,
          'http.route': route,
          // Never the query string: Kiwify signs with ?signature=…
          'url.path': request.url.split('?')[0] ?? '',
          'hub.request_id': request.id,
        },
      }) ?? null;
  });

  const end = async (request: FastifyRequest, status: number | undefined) => {
    const span = request.traceSpan;
    if (!span) return;
    request.traceSpan = null;
    if (status !== undefined) span.setAttribute('http.response.status_code', status);
    if (status === undefined || status >= 500) failSpan(span, status === undefined ? 'request aborted' : `HTTP ${status}`);
    span.end();
  };
  app.addHook('onResponse', async (request, reply) => end(request, reply.statusCode));
  app.addHook('onRequestAbort', async (request) => end(request, undefined));
}

/** The request span's W3C traceparent, or undefined when tracing is off. */
export function requestTraceparent(request: FastifyRequest): string | undefined {
  return request.traceSpan ? currentTraceparent(request.traceSpan) : undefined;
}
