// How long Meta asks us to wait. Two sources:
// - Retry-After (RFC 9110 §10.2.3): delay-seconds or an HTTP-date.
// - X-Business-Use-Case-Usage: JSON keyed by business id, each entry a list of
//   {type, call_count, total_cputime, total_time, estimated_time_to_regain_access} where the last
//   is in minutes (Graph API rate-limiting page, "Business Use Case Rate Limits"; header named in
//   https://developers.facebook.com/docs/graph-api/overview/rate-limiting).

export type HeaderBag = Headers | Readonly<Record<string, string | readonly string[] | undefined>>;

export function headerValue(headers: HeaderBag | undefined, name: string): string | null {
  if (!headers) return null;
  if (headers instanceof Headers) return headers.get(name);
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted || value === undefined) continue;
    return typeof value === 'string' ? value : (value[0] ?? null);
  }
  return null;
}

const MAX_HONOURED_WAIT_MS = 24 * 60 * 60 * 1000; // a header asking for more than a day is noise

/** Milliseconds to wait according to Retry-After, or undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: Date): number | undefined {
  if (!value) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Math.min(Number(text) * 1000, MAX_HONOURED_WAIT_MS);
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.min(Math.max(0, at - now.getTime()), MAX_HONOURED_WAIT_MS);
}

/** The longest estimated_time_to_regain_access in X-Business-Use-Case-Usage, in ms. */
export function parseBusinessUseCaseWait(value: string | null): number | undefined {
  if (!value) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  let minutes = 0;
  for (const entries of Object.values(parsed)) {
    if (!Array.isArray(entries)) continue;
    for (const entry of entries) {
      const wait = (entry as { estimated_time_to_regain_access?: unknown } | null)?.estimated_time_to_regain_access;
      if (typeof wait === 'number' && Number.isFinite(wait) && wait > minutes) minutes = wait;
    }
  }
  return minutes > 0 ? Math.min(minutes * 60_000, MAX_HONOURED_WAIT_MS) : undefined;
}
