// Tracking: the hub's rules for clicks, pageviews and checkout starts — sessions, fbc, event time,
// bot flags — and the payload stored for the matcher.
export { buildTrackingEvent, type TrackContext, type TrackRequest, type TrackedEvent } from './build-tracking-event.ts';
export { SESSION_IDLE_MS, SessionMemoryCache, clickKeyOf, continuesSession, resolveSession } from './session-rule.ts';
export { deriveFbc, resolveFbc } from './fbc.ts';
export { resolveEventTime, MAX_EVENT_AGE_MS, MAX_FUTURE_SKEW_MS } from './event-time.ts';
export { isKnownBot } from './bot-detection.ts';
export { isHttpUrl, isStorableText } from './storable-text.ts';
export {
  TRACKING_EVENT_TYPES,
  TRACKING_FLAGS,
  parseTrackingPayload,
  trackingPayloadSchema,
  type TrackingEventType,
  type TrackingPayload,
  type Utm,
} from './tracking-payload.ts';
