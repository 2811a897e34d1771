// Tracking: the hub's rules for clicks, pageviews, checkout starts and leads — sessions, fbc, event
// time, bot flags, hashed identities and who vouches for them, rate limits — and the payload stored
// for the matcher.
export { buildTrackingEvent, type TrackContext, type TrackRequest, type TrackedEvent } from './build-tracking-event.ts';
export { SESSION_IDLE_MS, SessionMemoryCache, clickKeyOf, continuesSession, resolveSession } from './session-rule.ts';
export { deriveFbc, resolveFbc } from './fbc.ts';
export { resolveEventTime, MAX_EVENT_AGE_MS, MAX_FUTURE_SKEW_MS } from './event-time.ts';
export { isKnownBot } from './bot-detection.ts';
export { hashIdentity, leadIdentityIssues, type IdentityKind, type LeadIdentityIssue } from './identity-hash.ts';
export { isHttpUrl, isStorableText } from './storable-text.ts';
export {
  DEFAULT_TENANT_TRACKING_PER_MINUTE,
  TRACKING_RATE_LIMIT_BOUNDS,
  defaultTrackingRateLimits,
  effectiveTrackingRateLimits,
  readTenantTrackingRateLimits,
  type TenantTrackingRateLimits,
  type TrackingRateLimits,
} from './rate-limits.ts';
export {
  IDENTITY_AUTHORITIES,
  TRACKING_EVENT_TYPES,
  TRACKING_FLAGS,
  parseTrackingPayload,
  trackingPayloadSchema,
  type IdentityAuthority,
  type TrackingEventType,
  type TrackingPayload,
  type Utm,
} from './tracking-payload.ts';
