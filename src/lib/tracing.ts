// OpenTelemetry traces across API → ingest queue → match → dispatch queue → Meta. Off unless
// OTEL_EXPORTER_OTLP_ENDPOINT is set; while off, every function here is one boolean check and the SDK
// is never even loaded, so the ingest hot path pays nothing.
//
// Terms: a *request span* (SERVER) covers one API request; a *job span* (CONSUMER) covers one queue
// job from claim to outcome and is the child of the context that enqueued it; `meta.send` (CLIENT)
// covers one request to Meta and links every job whose event it carried. The context crosses a queue
// as a W3C `traceparent` string in the job payload's `_trace` field (src/queue/trace-context.ts).
import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
} from '@opentelemetry/api';

export { SpanKind, type Attributes, type Context, type Span };

interface Provider {
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

const TRACER_NAME = 'hub';
let provider: Provider | undefined;

export interface TracingOptions {
  /** OTLP/HTTP base URL (config.otelEndpoint); spans go to `<endpoint>/v1/traces`. Unset: tracing stays off. */
  endpoint: string | undefined;
  /** service.name, e.g. `hub-api`, `hub-worker-match`. */
  serviceName: string;
  /** Milliseconds between batch exports (default 1 s; the SDK's own default is 5 s). */
  exportDelayMs?: number;
}

/** Starts exporting spans; a no-op (false) without an endpoint or when already started. */
export async function initTracing(options: TracingOptions): Promise<boolean> {
  if (!options.endpoint || provider) return false;
  // Loaded only when tracing is on: a process without an endpoint never pays for the SDK.
  const [{ NodeTracerProvider, BatchSpanProcessor }, { OTLPTraceExporter }, { resourceFromAttributes }, { W3CTraceContextPropagator }, semconv] =
    await Promise.all([
      import('@opentelemetry/sdk-trace-node'),
      import('@opentelemetry/exporter-trace-otlp-http'),
      import('@opentelemetry/resources'),
      import('@opentelemetry/core'),
      import('@opentelemetry/semantic-conventions'),
    ]);
  const exporter = new OTLPTraceExporter({ url: tracesUrl(options.endpoint) });
  const tracerProvider = new NodeTracerProvider({
    resource: resourceFromAttributes({ [semconv.ATTR_SERVICE_NAME]: options.serviceName }),
    spanProcessors: [new BatchSpanProcessor(exporter, { scheduledDelayMillis: options.exportDelayMs ?? 1_000 })],
  });
  // Sets the global tracer provider, the AsyncLocalStorage context manager and the W3C propagator.
  tracerProvider.register({ propagator: new W3CTraceContextPropagator() });
  provider = tracerProvider;
  return true;
}

/** The signal URL the OTLP spec derives from OTEL_EXPORTER_OTLP_ENDPOINT. */
export function tracesUrl(endpoint: string): string {
  return new URL('v1/traces', endpoint.endsWith('/') ? endpoint : `${endpoint}/`).toString();
}

export function tracingEnabled(): boolean {
  return provider !== undefined;
}

/** Exports what is buffered (tests; before a short command exits). */
export async function flushTracing(): Promise<void> {
  await provider?.forceFlush();
}

/**
 * Flushes and stops, waiting at most `timeoutMs` (an unreachable collector must not hold up a drain:
 * the exporter retries for seconds); afterwards tracing is off again (and may be started anew).
 */
export async function shutdownTracing(timeoutMs = 2_000): Promise<void> {
  const p = provider;
  if (!p) return;
  provider = undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      p.shutdown().catch(() => undefined),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
        timer.unref();
      }),
    ]);
  } finally {
    clearTimeout(timer);
    trace.disable();
    context.disable();
    propagation.disable();
  }
}

function tracer() {
  return trace.getTracer(TRACER_NAME);
}

/** The W3C traceparent of the active span (or of `span`), or undefined when tracing is off or no span is active. */
export function currentTraceparent(span?: Span): string | undefined {
  if (!provider) return undefined;
  const ctx = span ? trace.setSpan(ROOT_CONTEXT, span) : context.active();
  if (!trace.getSpan(ctx)) return undefined;
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  return carrier.traceparent;
}

/** The trace id of a span, for logs and error reports. */
export function traceIdOf(span: Span | undefined): string | undefined {
  return span?.spanContext().traceId;
}

function parentContext(parent: string | Context | undefined): Context {
  if (parent === undefined) return ROOT_CONTEXT;
  if (typeof parent === 'string') return propagation.extract(ROOT_CONTEXT, { traceparent: parent });
  return parent;
}

export interface StartSpanOptions {
  kind: SpanKind;
  /** A traceparent string or a context; none starts a new trace. */
  parent?: string | Context | undefined;
  /** Contexts whose spans this one is linked to (e.g. every job carried by a batch request). */
  links?: Array<Context | undefined>;
  attributes?: Attributes;
}

/** Starts a span (not made active); undefined when tracing is off. */
export function startSpan(name: string, options: StartSpanOptions): Span | undefined {
  if (!provider) return undefined;
  const links = (options.links ?? [])
    .map((c) => (c ? trace.getSpanContext(c) : undefined))
    .filter((sc) => sc !== undefined)
    .map((sc) => ({ context: sc }));
  return tracer().startSpan(name, { kind: options.kind, ...(options.attributes ? { attributes: options.attributes } : {}), links }, parentContext(options.parent));
}

/** Marks a span failed with the error's type and message (never its data). */
export function failSpan(span: Span | undefined, error: unknown): void {
  if (!span) return;
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  span.setStatus({ code: SpanStatusCode.ERROR, message: message.slice(0, 500) });
  if (error instanceof Error) span.setAttribute('error.type', error.name);
}

/** Runs fn with `span` active, so spans and traceparents made inside are its children. */
export function runInSpan<T>(span: Span | undefined, fn: () => Promise<T>): Promise<T> {
  if (!span) return fn();
  return context.with(trace.setSpan(context.active(), span), fn);
}

/** Runs fn with no active span, so nothing it enqueues picks up the trace of whoever scheduled it. */
export function runOutsideTraces<T>(fn: () => Promise<T>): Promise<T> {
  if (!provider) return fn();
  return context.with(ROOT_CONTEXT, fn);
}

/** A job's CONSUMER span, started when the job is claimed and ended with its outcome. */
export interface JobSpan {
  span: Span;
  /** The context with this span active: run work in it, or link to it. */
  context: Context;
  run<T>(fn: () => Promise<T>): Promise<T>;
}

/** Starts the CONSUMER span of a job, as a child of the producer's traceparent; undefined when tracing is off. */
export function startJobSpan(name: string, traceparent: string | undefined, attributes: Attributes): JobSpan | undefined {
  if (!provider) return undefined;
  const parent = parentContext(traceparent);
  const span = tracer().startSpan(name, { kind: SpanKind.CONSUMER, attributes }, parent);
  const ctx = trace.setSpan(parent, span);
  return { span, context: ctx, run: (fn) => context.with(ctx, fn) };
}

/** Runs fn inside a CONSUMER span that is a child of `traceparent`; just fn when tracing is off. */
export async function withJobSpan<T>(name: string, traceparent: string | undefined, attributes: Attributes, fn: () => Promise<T>): Promise<T> {
  const job = startJobSpan(name, traceparent, attributes);
  if (!job) return fn();
  try {
    return await job.run(fn);
  } catch (err) {
    failSpan(job.span, err);
    throw err;
  } finally {
    job.span.end();
  }
}
