// The tracking contract's request and answer. These zod schemas validate the requests and generate the
// OpenAPI document. Unknown fields are dropped, not refused; text that PostgreSQL could not store is refused.
import { z } from 'zod';
import { isHttpUrl, isStorableText } from '../../../domain/tracking/index.ts';

const text = (max: number) =>
  z.string().max(max).refine(isStorableText, { message: 'must not contain NUL characters or unpaired surrogates' });

/** The hub's ids and the pixel's have this shape; it is also what Stripe accepts in client_reference_id. */
const clientId = z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, 'expected 1-128 letters, digits, "_" or "-"');

const httpUrl = z
  .string()
  .max(8192)
  .refine((v) => isStorableText(v) && isHttpUrl(v), { message: 'expected an absolute http(s) URL' });

const referrer = z
  .string()
  .max(8192)
  .refine((v) => v === '' || (isStorableText(v) && URL.canParse(v)), { message: 'expected a URL' });

const utm = z.object({
  source: text(500).nullish(),
  medium: text(500).nullish(),
  campaign: text(500).nullish(),
  content: text(500).nullish(),
  term: text(500).nullish(),
});

const trackBase = z.object({
  publicKey: z.string().max(200).nullish().meta({ description: 'The tenant public key hub_pk_… (or the X-Hub-Public-Key header)' }),
  eventId: z
    .string()
    .regex(/^[!-~]{1,128}$/, 'expected 1-128 printable ASCII characters')
    .nullish()
    .meta({ description: 'Reused as the Meta event_id (dedupe with the browser pixel); a retry with the same eventId is answered with the same ids' }),
  visitorId: clientId.nullish(),
  sessionId: clientId.nullish(),
  referrer: referrer.nullish(),
  occurredAt: z.iso.datetime({ offset: true }).nullish().meta({ description: 'RFC 3339; default now. More than 7 days old or in the future: the server time is used and the event flagged clock_skew' }),
  fbclid: text(2000).nullish(),
  gclid: text(2000).nullish(),
  ttclid: text(2000).nullish(),
  fbp: text(500).nullish(),
  fbc: text(2500).nullish(),
  utm: utm.nullish(),
  user: z
    .object({ email: text(320).nullish(), phone: text(64).nullish() })
    .nullish()
    .meta({ description: 'Hashed (SHA-256 of the normalized value) before it is stored; never kept raw' }),
});

export const trackBodies = {
  click: trackBase.extend({ url: httpUrl }).meta({ id: 'TrackClick' }),
  pageview: trackBase.extend({ url: httpUrl }).meta({ id: 'TrackPageview' }),
  initiate_checkout: trackBase
    .extend({
      url: httpUrl.nullish(),
      checkout: z
        .object({
          url: httpUrl,
          value: z.string().regex(/^\d{1,13}(\.\d{1,4})?$/, 'expected a decimal string like "197.00"').nullish(),
          currency: z.string().regex(/^[A-Za-z]{3}$/, 'expected an ISO 4217 code like BRL').nullish(),
          contentIds: z.array(text(200)).max(100).nullish(),
        })
        .nullish(),
    })
    .meta({ id: 'TrackInitiateCheckout' }),
} as const;

export const trackAccepted = z
  .object({
    id: z.string(),
    eventId: z.string(),
    visitorId: z.string(),
    sessionId: z.string(),
    fbc: z.string().nullable(),
    decorate: z
      .object({ sck: z.string(), client_reference_id: z.string() })
      .meta({ description: 'Query parameters the pixel adds to checkout links (Hotmart/Kiwify sck, Stripe client_reference_id)' }),
  })
  .meta({ id: 'TrackAccepted' });
