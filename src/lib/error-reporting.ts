// Error reporting to Sentry when SENTRY_DSN is set: unexpected 5xx answers (the API's error handler),
// job handler failures and dead-lettered jobs (the queue runner), and uncaught exceptions. Off
// without a DSN, and the SDK is not even loaded then.
//
// Nothing personal leaves: sendDefaultPii is off, breadcrumbs are off, and every event passes
// scrubEvent — request bodies, cookies, query strings and all headers but a short allow-list are
// dropped, and e-mail addresses, phone numbers and tokens are masked in every remaining string.
import type { ErrorEvent, EventHint } from '@sentry/node';

type Sentry = typeof import('@sentry/node');
let sentry: Sentry | undefined;

export interface ErrorReportingOptions {
  /** Sentry's `environment` (e.g. production); defaults to Sentry's own. */
  environment?: string;
  release?: string;
}

export interface ReportContext {
  /** Short, low-cardinality facts to search by: queue, route, request id, trace id. */
  tags?: Record<string, string | number | undefined>;
  /** More detail; scrubbed like everything else. */
  extra?: Record<string, unknown>;
}

/** Starts reporting to `dsn`; a no-op (false) without one or when already started. */
export async function initErrorReporting(dsn: string | undefined, options: ErrorReportingOptions = {}): Promise<boolean> {
  if (!dsn || sentry) return false;
  const s = await import('@sentry/node');
  s.initWithoutDefaultIntegrations({
    dsn,
    ...(options.environment ? { environment: options.environment } : {}),
    ...(options.release ? { release: options.release } : {}),
    sendDefaultPii: false,
    maxBreadcrumbs: 0,
    // Errors only: traces go through OpenTelemetry (src/lib/tracing.ts), which Sentry must not take over.
    skipOpenTelemetrySetup: true,
    registerEsmLoaderHooks: false,
    integrations: [s.linkedErrorsIntegration(), s.onUncaughtExceptionIntegration()],
    beforeSend: (event: ErrorEvent, _hint: EventHint) => scrubEvent(event),
    beforeSendTransaction: () => null,
  });
  sentry = s;
  return true;
}

export function errorReportingEnabled(): boolean {
  return sentry !== undefined;
}

export function reportError(error: unknown, context: ReportContext = {}): void {
  sentry?.captureException(error, { level: 'error', ...scopeOf(context) });
}

/** Reports something that is not an exception but needs an operator (a dead-lettered job). */
export function reportProblem(message: string, context: ReportContext = {}): void {
  sentry?.captureMessage(message, { level: 'error', ...scopeOf(context) });
}

/** Sends what is queued, waiting at most `timeoutMs`, and stops reporting. */
export async function closeErrorReporting(timeoutMs = 2_000): Promise<void> {
  const s = sentry;
  if (!s) return;
  sentry = undefined;
  await s.close(timeoutMs);
}

function scopeOf(context: ReportContext): { tags?: Record<string, string>; extra?: Record<string, unknown> } {
  const tags: Record<string, string> = {};
  for (const [k, v] of Object.entries(context.tags ?? {})) if (v !== undefined) tags[k] = String(v);
  return { tags, ...(context.extra ? { extra: context.extra } : {}) };
}

// ---- scrubbing ----

/** Request headers that say nothing about the person or their secrets. */
const SAFE_HEADERS = new Set(['content-type', 'content-length', 'x-request-id']);

const MASKS: Array<[RegExp, string | ((match: string) => string)]> = [
  [/[^\s@"'<>(),;:]+@[^\s@"'<>(),;:]+\.[a-z]{2,}/gi, '[email]'],
  // Access tokens and keys by shape: Meta (EAA…), the hub's own keys, Stripe secrets, bearer values.
  [/\bEAA[A-Za-z0-9]{16,}/g, '[token]'],
  [/\bhub_(?:sk|pk)_[A-Za-z0-9_-]+/g, '[token]'],
  [/\b(?:sk|rk|whsec)_(?:live_|test_)?[A-Za-z0-9]{8,}/g, '[token]'],
  [/((?:authorization|proxy-authorization)["']?\s*[:=]\s*["']?)[^"'\n&,}]+/gi, '$1[token]'],
  [/\b(bearer|basic)\s+[^\s"']+/gi, '$1 [token]'],
  // key=value and "key": "value" forms of secrets.
  [/((?:access_?token|token|hottok|signature|secret|password)["']?\s*[:=]\s*["']?)[^\s"'&,}]+/gi, '$1[token]'],
  // Anything long enough to be a secret or a hash (ids like ten_<32 hex> are shorter and stay).
  [/[A-Za-z0-9+/_-]{40,}={0,2}/g, '[redacted]'],
  // Phone numbers: ten or more digits, with the usual separators.
  [/(?<![\w+])\+?\(?\d[\d\s().-]{8,}\d(?!\w)/g, (m) => (m.replace(/\D/g, '').length >= 10 ? '[phone]' : m)],
];

export function scrubString(value: string): string {
  let out = value;
  for (const [pattern, replacement] of MASKS) {
    out = typeof replacement === 'string' ? out.replace(pattern, replacement) : out.replace(pattern, replacement);
  }
  return out;
}

function scrubValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrubString(value);
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => scrubValue(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = scrubValue(v, depth + 1);
  return out;
}

/** What beforeSend does to every event: keep what explains the failure, drop or mask what could identify a person. */
export function scrubEvent<E extends ErrorEvent>(event: E): E {
  delete event.user;
  delete event.breadcrumbs;
  if (event.request) {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(event.request.headers ?? {})) if (SAFE_HEADERS.has(k.toLowerCase())) headers[k] = v;
    event.request = {
      ...(event.request.method ? { method: event.request.method } : {}),
      ...(event.request.url ? { url: event.request.url.split('?')[0]! } : {}),
      headers,
    };
  }
  if (event.message) event.message = scrubString(event.message);
  if (event.logentry?.message) event.logentry.message = scrubString(event.logentry.message);
  for (const ex of event.exception?.values ?? []) if (ex.value) ex.value = scrubString(ex.value);
  if (event.extra) event.extra = scrubValue(event.extra) as E['extra'];
  if (event.contexts) event.contexts = scrubValue(event.contexts) as E['contexts'];
  if (event.tags) event.tags = scrubValue(event.tags) as E['tags'];
  return event;
}
