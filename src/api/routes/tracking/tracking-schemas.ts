// The tracking contract's request and answer. These zod schemas validate the requests and generate the
// OpenAPI document. Unknown fields are dropped, not refused; text that PostgreSQL could not store is refused.
// Descriptions and examples sit on each field's outermost wrapper (schemas.ts says why).
import { z } from 'zod';
import { isHttpUrl, isStorableText, leadIdentityIssues } from '../../../domain/tracking/index.ts';
import { EXAMPLE } from '../../schemas.ts';

const LP = 'https://lp.acme.com.br';
const FBCLID = 'IwAR2F4-dbP0l7Xq1Kc9';

const text = (max: number) =>
  z.string().max(max).refine(isStorableText, { message: 'must not contain NUL characters or unpaired surrogates' });

/** The hub's ids and the pixel's have this shape; it is also what Stripe accepts in client_reference_id. */
const clientId = z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, 'expected 1-128 letters, digits, "_" or "-"');

const httpUrl = z
  .string()
  .max(8192)
  .refine((v) => isStorableText(v) && isHttpUrl(v), { message: 'expected an absolute http(s) URL' });

/**
 * Whatever the browser reports is accepted, so a page with an odd referrer is still tracked; only a
 * storable http(s) URL is stored (a `javascript:` or `data:` one is dropped and the event flagged
 * referrer_not_http — buildTrackingEvent). `url` and `checkout.url` are the page and the link the pixel
 * itself reads: anything but http(s) there is a 400 naming the field.
 */
const referrer = z.string().max(8192);

const utmField = (name: string, example: string) =>
  text(500).nullish().meta({ description: `utm_${name} of the landing URL (read from \`url\` when left out)`, examples: [example] });

const utm = z.object({
  source: utmField('source', 'facebook'),
  medium: utmField('medium', 'paid'),
  campaign: utmField('campaign', 'black-friday'),
  content: utmField('content', 'video-depoimento'),
  term: utmField('term', 'curso-de-confeitaria'),
});

const userFields = {
  email: text(320).nullish().meta({ description: "The visitor's e-mail (or its SHA-256 hex, already normalized)", examples: ['maria.silva@example.com.br'] }),
  phone: text(64).nullish().meta({ description: "The visitor's phone, with country code (Brazil assumed without one)", examples: ['+55 11 98765-4321'] }),
};

/** A lead's user: required, with at least one e-mail or phone the hub can normalize (leadIdentityIssues). */
const leadUser = z
  .object(userFields, { error: "a lead needs user: the visitor's e-mail or phone" })
  .superRefine((user, ctx) => {
    for (const issue of leadIdentityIssues(user)) ctx.addIssue({ code: 'custom', path: issue.field ? [issue.field] : [], message: issue.message });
  })
  .meta({
    description:
      'Required: the e-mail and/or phone the visitor left, at least one of them valid (a malformed one beside a valid one is dropped and the event flagged). Hashed (SHA-256 of the normalized value) before it is stored; never kept raw',
    examples: [{ email: 'maria.silva@example.com.br', phone: '+55 11 98765-4321' }],
  });

const trackBase = z.object({
  publicKey: z
    .string()
    .max(200)
    .nullish()
    .meta({ description: 'The tenant public key hub_pk_… (or the X-Hub-Public-Key header)', examples: ['hub_pk_3q2-7wE9rT5yU1iO0pA4sD'] }),
  eventId: z
    .string()
    .regex(/^[!-~]{1,128}$/, 'expected 1-128 printable ASCII characters')
    .nullish()
    .meta({
      description: 'Reused as the Meta event_id (dedupe with the browser pixel); a retry with the same eventId is answered with the same ids',
      examples: ['pv-8f3a1c2e-5b7d-4e90-a1b2-c3d4e5f60718'],
    }),
  visitorId: clientId
    .nullish()
    .meta({ description: 'The visitor id the hub answered before (the pixel keeps it in the _hub_vid cookie); left out, a new one is made', examples: [EXAMPLE.visitorId] }),
  sessionId: clientId
    .nullish()
    .meta({ description: 'The session id the hub answered before (_hub_sid); a new ad click or 30 idle minutes start a new session', examples: [EXAMPLE.sessionId] }),
  referrer: referrer
    .nullish()
    .meta({ description: 'document.referrer of the page; kept only when it is an http(s) URL (otherwise dropped and the event flagged referrer_not_http)', examples: ['https://l.facebook.com/'] }),
  occurredAt: z.iso
    .datetime({ offset: true })
    .nullish()
    .meta({
      description: 'RFC 3339; default now. More than 7 days old or in the future: the server time is used and the event flagged clock_skew',
      examples: [EXAMPLE.occurredAt],
    }),
  fbclid: text(2000).nullish().meta({ description: "Meta's ad click id (read from `url` when left out)", examples: [FBCLID] }),
  gclid: text(2000).nullish().meta({ description: "Google Ads' click id", examples: ['Cj0KCQiA4NWrBhD-ARIsAFCKwWs'] }),
  ttclid: text(2000).nullish().meta({ description: "TikTok Ads' click id", examples: ['E.C.P.CsYBb2FkYTlj'] }),
  fbp: text(500).nullish().meta({ description: 'The _fbp cookie (Meta browser id)', examples: ['fb.2.1764418440000.1234567890'] }),
  fbc: text(2500).nullish().meta({ description: 'The _fbc cookie; derived from fbclid when left out', examples: [`fb.2.1764418440000.${FBCLID}`] }),
  utm: utm.nullish().meta({ description: 'UTM tags of the landing page' }),
  user: z
    .object(userFields)
    .nullish()
    .meta({ description: 'Hashed (SHA-256 of the normalized value) before it is stored; never kept raw' }),
});

const pageUrl = httpUrl.meta({ description: 'The page URL, with its query (click ids and utm_* are read from it)', examples: [`${LP}/oferta?fbclid=${FBCLID}&utm_source=facebook`] });

export const trackBodies = {
  click: trackBase.extend({ url: pageUrl }).meta({ id: 'TrackClick', description: 'An ad click: the landing page was opened with a click id' }),
  pageview: trackBase.extend({ url: pageUrl }).meta({ id: 'TrackPageview', description: 'A page view' }),
  initiate_checkout: trackBase
    .extend({
      url: httpUrl.nullish().meta({ description: 'The page the visitor left for the checkout', examples: [`${LP}/oferta`] }),
      checkout: z
        .object({
          url: httpUrl.meta({ description: 'The checkout URL the visitor followed', examples: ['https://pay.hotmart.com/X123456?off=abc1'] }),
          value: z
            .string()
            .regex(/^\d{1,13}(\.\d{1,4})?$/, 'expected a decimal string like "197.00"')
            .nullish()
            .meta({ description: 'The price, as a decimal string', examples: ['197.00'] }),
          currency: z
            .string()
            .regex(/^[A-Za-z]{3}$/, 'expected an ISO 4217 code like BRL')
            .nullish()
            .meta({ description: 'ISO 4217 currency code', examples: ['BRL'] }),
          contentIds: z.array(text(200)).max(100).nullish().meta({ description: 'Product ids (Meta content_ids)', examples: [['X123456']] }),
        })
        .nullish()
        .meta({ description: 'The checkout the visitor is heading to' }),
    })
    .meta({ id: 'TrackInitiateCheckout', description: 'A visitor heading to a checkout' }),
  lead: trackBase
    .extend({
      url: httpUrl
        .nullish()
        .meta({ description: 'The page the form was on: sent to Meta as event_source_url (the pixel sends the current page)', examples: [`${LP}/lista-de-espera`] }),
      user: leadUser,
    })
    .meta({ id: 'TrackLead', description: 'A lead: someone left an e-mail or phone on a launch page or form' }),
} as const;

export const trackAccepted = z
  .object({
    id: z.string().meta({ description: "The stored event's id", examples: [EXAMPLE.eventId] }),
    eventId: z.string().meta({ description: 'The Meta event_id (the one sent, or the id): give it to fbq as eventID', examples: ['pv-8f3a1c2e-5b7d-4e90-a1b2-c3d4e5f60718'] }),
    visitorId: z.string().meta({ description: 'Keep it and send it with later events (the pixel stores it in _hub_vid)', examples: [EXAMPLE.visitorId] }),
    sessionId: z.string().meta({ description: 'The session this event belongs to; send it with later events', examples: [EXAMPLE.sessionId] }),
    fbc: z.string().nullable().meta({ description: 'The fbc the hub holds for this click (sent or derived from fbclid)', examples: [`fb.2.1764418440000.${FBCLID}`] }),
    decorate: z
      .object({
        sck: z.string().meta({ description: 'Hotmart and Kiwify pass it through to their webhooks', examples: [EXAMPLE.sessionId] }),
        client_reference_id: z.string().meta({ description: 'Stripe Checkout and Payment Links pass it through', examples: [EXAMPLE.sessionId] }),
      })
      .meta({ description: 'Query parameters the pixel adds to checkout links (Hotmart/Kiwify sck, Stripe client_reference_id)' }),
    checkoutHosts: z.array(z.string()).meta({
      description:
        "The checkout hosts of the funnel the request's origin belongs to (PUT /api/v1/funnels/{slug}); the pixel decorates links to them (and their subdomains) with every decorate parameter. Empty when no funnel matches",
      examples: [['pay.acme.com.br']],
    }),
  })
  .meta({ id: 'TrackAccepted', description: 'Stored durably and queued for matching' });
