// When to try a failed CAPI request again: exponential backoff with "full jitter" (sleep a random
// time between 0 and min(cap, base * 2^(attempt-1)); AWS Architecture Blog, "Exponential Backoff
// and Jitter"), so a Meta outage does not make every worker retry in lockstep. A server-given
// wait (Retry-After, or the business-use-case header) is a floor, never shortened. The whole
// story is bounded: past `maxTotalMs` after the first attempt we give up and park the event with
// its last reason. 24 h by default, well inside Meta's 7-day event_time window.

export interface RetryPolicy {
  /** First retry waits up to this long. */
  baseMs: number;
  /** No single wait is longer than this. */
  capMs: number;
  /** No retry is scheduled later than this after the first attempt. */
  maxTotalMs: number;
  /** Floor on any wait, so a jitter draw near 0 does not retry instantly. */
  minDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  baseMs: 2_000,
  capMs: 30 * 60_000,
  maxTotalMs: 24 * 60 * 60_000,
  minDelayMs: 500,
};

export interface NextRetryOptions {
  /** When the failed attempt ended; defaults to the current time. */
  now?: Date;
  policy?: Partial<RetryPolicy>;
}

/**
 * When to make attempt `attempt + 1`, given that `attempt` attempts (1-based) have failed.
 * `rng` returns a number in [0, 1). Null means give up.
 */
export function nextRetryAt(
  attempt: number,
  firstAttemptAt: Date,
  rng: () => number,
  retryAfterMs?: number,
  options: NextRetryOptions = {},
): Date | null {
  const policy = { ...DEFAULT_RETRY_POLICY, ...options.policy };
  const now = options.now ?? new Date();
  const exponent = Math.max(0, Math.floor(attempt) - 1);
  // 2^exponent overflows to Infinity for huge attempts; min() with the cap handles it.
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** exponent);
  const jittered = Math.floor(clampUnit(rng()) * ceiling);
  const delayMs = Math.max(jittered, policy.minDelayMs, retryAfterMs ?? 0);
  const at = now.getTime() + delayMs;
  if (at - firstAttemptAt.getTime() > policy.maxTotalMs) return null;
  return new Date(at);
}

function clampUnit(value: number): number {
  if (!Number.isFinite(value) || value < 0) return 0;
  return value >= 1 ? 1 - Number.EPSILON : value;
}
