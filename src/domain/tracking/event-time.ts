// The time of a tracking event: the client's occurredAt when plausible, else the server's clock.
// Meta refuses a whole batch holding an event_time more than 7 days old, and future times too, so an
// absurd client clock must never become the event's time; it is kept for the record and flagged.
export const MAX_EVENT_AGE_MS = 7 * 24 * 3600 * 1000;
/** Ordinary clock drift between a visitor's device and the server is not an error. */
export const MAX_FUTURE_SKEW_MS = 5 * 60 * 1000;

export interface EventTime {
  occurredAt: Date;
  /** True when the client's time was absurd and the server's time was used. */
  skewed: boolean;
}

export function resolveEventTime(clientTime: string | null | undefined, now: Date): EventTime {
  if (!clientTime) return { occurredAt: now, skewed: false };
  const at = new Date(clientTime);
  const ms = at.getTime();
  if (Number.isNaN(ms) || ms < now.getTime() - MAX_EVENT_AGE_MS || ms > now.getTime() + MAX_FUTURE_SKEW_MS) {
    return { occurredAt: now, skewed: true };
  }
  return { occurredAt: at, skewed: false };
}
