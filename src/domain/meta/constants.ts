// Limits and defaults of Meta's Conversions API that the hub's code depends on, each with where
// it comes from. Graph URL and version are configuration (per tenant connection); these are the
// defaults.

/** "You can send up to 1,000 events in data" (Meta batch-requests text, protocols.md §1.1). */
export const MAX_EVENTS_PER_REQUEST = 1000;

/** The version in the hub's API contract example (api-v1.md, PUT /connections/meta). */
export const DEFAULT_GRAPH_API_VERSION = 'v24.0';

export const DEFAULT_GRAPH_URL = 'https://graph.facebook.com';

const HOUR_MS = 60 * 60 * 1000;

/**
 * "The event_time can be up to 7 days before you send an event to Facebook. If any event_time in
 * data is greater than 7 days in the past, we return an error for the entire request" (code 100,
 * subcode 2804003). https://developers.facebook.com/docs/marketing-api/conversions-api/parameters/server-event
 */
export const META_MAX_EVENT_AGE_MS = 7 * 24 * HOUR_MS;

/**
 * We stop one hour short of Meta's limit. A batch built now may wait in the queue, be retried
 * after a timeout, or meet a Meta clock a little ahead of ours; one stale event rejects the whole
 * batch, so we would rather park an event at 6 days 23 hours than lose 999 others with it.
 */
export const SEND_SAFETY_MARGIN_MS = HOUR_MS;

export const MAX_SENDABLE_EVENT_AGE_MS = META_MAX_EVENT_AGE_MS - SEND_SAFETY_MARGIN_MS;

/**
 * Meta rejects future event_time values; the exact tolerance is not documented (protocols.md
 * §1.2, [unconfirmed]). Gateway clocks drift, so a timestamp up to 5 minutes ahead is treated as
 * "now" (clamped) and anything further ahead is a data error we refuse to send.
 */
export const MAX_FUTURE_SKEW_MS = 5 * 60 * 1000;

/**
 * Meta: "set a 1500 ms request timeout; most responses < 600 ms"
 * (https://developers.facebook.com/docs/marketing-api/conversions-api/support). A timed-out
 * request is retried with the same event_ids, so Meta deduplicates if it did arrive.
 */
export const RECOMMENDED_REQUEST_TIMEOUT_MS = 1500;
