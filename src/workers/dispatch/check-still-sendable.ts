// The stored server event was built when the conversion was matched; by the time it is sent (after
// retries, or a week of waiting for a token) it may be too old for Meta, and one stale event makes
// Meta reject the whole batch. Checked again just before each send.
import { MAX_SENDABLE_EVENT_AGE_MS, type MetaServerEvent } from '../../domain/meta/index.ts';
import type { DispatchableCapiEvent } from '../../store/capi-events.ts';

export type SendableCheck = { ok: true; serverEvent: MetaServerEvent } | { ok: false; reason: string };

export function checkStillSendable(event: DispatchableCapiEvent, now: Date): SendableCheck {
  const payload = event.payload;
  const eventTime = payload.event_time;
  if (typeof eventTime !== 'number' || !Number.isFinite(eventTime) || typeof payload.event_name !== 'string' || typeof payload.user_data !== 'object') {
    return { ok: false, reason: 'not sendable to Meta: the stored server event is incomplete (no event_name, event_time or user_data)' };
  }
  const ageMs = now.getTime() - eventTime * 1000;
  if (ageMs > MAX_SENDABLE_EVENT_AGE_MS) {
    const days = Math.floor(ageMs / 86_400_000);
    const hours = Math.floor((ageMs % 86_400_000) / 3_600_000);
    return {
      ok: false,
      reason: `not sendable to Meta: the event happened ${days} days ${hours} h ago by the time it could be sent; Meta accepts events up to 7 days old`,
    };
  }
  // The row's event_id is the deduplication key; the payload must carry exactly that one.
  return { ok: true, serverEvent: { ...(payload as unknown as MetaServerEvent), event_id: event.eventId } };
}
