// What a tracking event stores in `events.payload`: the validated request, enriched by the hub.
// Personal data only as SHA-256 of the normalized value. The matcher reads it back through
// `parseTrackingPayload`, because stored rows outlive the code that wrote them.
import { z } from 'zod';

/** `lead`: someone left an e-mail or phone on a launch page or form (POST /api/v1/track/lead). */
export const TRACKING_EVENT_TYPES = ['click', 'pageview', 'initiate_checkout', 'lead'] as const;
export type TrackingEventType = (typeof TRACKING_EVENT_TYPES)[number];

const nullableText = z.string().nullable();

export const utmSchema = z.object({
  source: z.string().optional(),
  medium: z.string().optional(),
  campaign: z.string().optional(),
  content: z.string().optional(),
  term: z.string().optional(),
});
export type Utm = z.infer<typeof utmSchema>;

/**
 * Who vouches for the event's e-mail and phone (issue 15, finding 8). `public_key`: anyone holding the
 * public key — it sits in every landing page, so the claim proves nothing about who typed them.
 * `secret_key`: the tenant's own server (`Authorization: Bearer hub_sk_…`). Rows stored before the
 * field existed were all public-key calls.
 */
export const IDENTITY_AUTHORITIES = ['public_key', 'secret_key'] as const;
export type IdentityAuthority = (typeof IDENTITY_AUTHORITIES)[number];

export const trackingPayloadSchema = z.object({
  version: z.literal(1),
  /** The Meta event_id (the client's eventId, or one the hub made). */
  eventId: z.string(),
  visitorId: z.string(),
  sessionId: z.string(),
  /** The session id the client sent, when the hub started a new session instead. */
  replacedSessionId: nullableText,
  funnelSlug: nullableText,
  url: nullableText,
  referrer: nullableText,
  fbclid: nullableText,
  gclid: nullableText,
  ttclid: nullableText,
  fbc: nullableText,
  fbcSource: z.enum(['client', 'derived']).nullable(),
  fbp: nullableText,
  utm: utmSchema,
  checkout: z
    .object({
      url: z.string(),
      value: nullableText,
      currency: nullableText,
      contentIds: z.array(z.string()),
    })
    .nullable(),
  /** SHA-256 hex of the normalized e-mail (trim, lowercase) and phone (E.164 digits, BR default). */
  user: z.object({ emailHash: z.string().optional(), phoneHash: z.string().optional() }),
  /** The client's occurredAt when it was absurd and the server time was used (flag clock_skew). */
  clientOccurredAt: nullableText,
  authority: z.enum(IDENTITY_AUTHORITIES).default('public_key'),
});

export type TrackingPayload = z.infer<typeof trackingPayloadSchema>;

export function parseTrackingPayload(value: unknown): TrackingPayload {
  return trackingPayloadSchema.parse(typeof value === 'string' ? JSON.parse(value) : value);
}

/** Flags a tracking event may carry in `events.flags`. */
export const TRACKING_FLAGS = {
  bot: 'bot',
  clockSkew: 'clock_skew',
  invalidEmail: 'invalid_email',
  invalidPhone: 'invalid_phone',
  /** The referrer was not an http(s) URL (javascript:, data:, an app's scheme…): not stored, the event is. */
  referrerNotHttp: 'referrer_not_http',
} as const;
