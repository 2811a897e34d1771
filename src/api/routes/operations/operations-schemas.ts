// The operator's views as zod schemas: they shape the answers of operations-routes.ts and describe
// every field in /docs. present-event.ts builds the story to this schema (its return type says so).
import { z } from 'zod';
import { EXAMPLE } from '../../schemas.ts';
import { apiTime, eventIdParam, jobIdParam, pageCursor } from '../../param-schemas.ts';
import { QUEUE_NAMES } from '../../../queue/queue.ts';
import { gatewayNames } from '../../../domain/gateways/gateway-registry.ts';
import type { GatewayName } from '../../../domain/gateways/types.ts';

export const eventTypes = z.enum(['click', 'pageview', 'initiate_checkout', 'lead', 'webhook']);
export const eventStatuses = z.enum(['received', 'processed', 'matched', 'unmatched', 'dispatched', 'failed', 'unprocessable', 'rejected']);
export const gateways = z.enum(gatewayNames as [GatewayName, ...GatewayName[]]);
export const queueNames = z.enum(QUEUE_NAMES as [string, ...string[]]);

const time = (description: string, example: string) => z.string().meta({ description, examples: [example] });
const maybeTime = (description: string, example: string) => z.string().nullable().meta({ description, examples: [example] });

const TYPE = 'What was ingested: a click, page view, checkout start or lead (pixel or tracking API), or a gateway webhook';
const STATUS =
  'Where it is: `received` (stored, not processed yet), `processed` (a tracking event or a webhook with no conversion, done), ' +
  '`matched` / `unmatched` (its conversions were / were not linked to a click or session), `dispatched` (Meta accepted every CAPI event), ' +
  '`failed` (Meta refused one for good), `unprocessable` (signed but not understood: kept raw for an operator), `rejected`';

export const eventQuery = z.object({
  type: eventTypes.optional().meta({ description: `Only events of this type. ${TYPE}`, examples: ['webhook'] }),
  status: eventStatuses.optional().meta({ description: 'Only events in this status (see `status` in the answer)', examples: ['unmatched'] }),
  gateway: gateways.optional().meta({ description: 'Only webhooks of this gateway', examples: ['hotmart'] }),
  from: apiTime.optional().meta({ description: 'Received at or after this time (RFC 3339, 2000-2100)', examples: [EXAMPLE.from] }),
  to: apiTime.optional().meta({ description: 'Received before this time (RFC 3339, 2000-2100)', examples: [EXAMPLE.to] }),
  limit: z.coerce.number().int().min(1).max(500).default(50).meta({ description: 'Events per page, 1-500', examples: [50] }),
  cursor: pageCursor
    .optional()
    .meta({ description: 'The `nextCursor` of the previous page; omit it for the newest events', examples: ['MjAyNi0xMS0yOVQxMjoxNDowMC40MTJafGV2dF8wMWEyMjczOWY3NDA3NTY5YjUyYzc5MjM5Y2Y2YmM0NQ'] }),
});

const eventItem = z.object({
  id: z.string().meta({ description: 'The event id; `GET /api/v1/events/{id}` tells its whole story', examples: [EXAMPLE.eventId] }),
  type: eventTypes.meta({ description: TYPE, examples: ['webhook'] }),
  gateway: z.string().nullable().meta({ description: `The gateway of a webhook (${gatewayNames.join(', ')}); null for tracking events`, examples: ['hotmart'] }),
  occurredAt: time('When it happened: the time the tracking call gave, or when the webhook arrived', EXAMPLE.occurredAt),
  receivedAt: time('When the hub stored it; the list is ordered by this, newest first', EXAMPLE.receivedAt),
  status: eventStatuses.meta({ description: STATUS, examples: ['dispatched'] }),
  flags: z.array(z.string()).meta({ description: 'What is unusual about it, e.g. `bot`, `clock_skew`, `unprocessable`, `not_json`', examples: [[]] }),
  summary: z.string().meta({ description: 'One line for people: the gateway and its event type, or the tracking type and page', examples: ['hotmart PURCHASE_APPROVED'] }),
});

export const eventPage = z.object({
  data: z.array(eventItem).meta({ description: 'The events of this page, newest first' }),
  nextCursor: z.string().nullable().meta({ description: 'Pass it as `?cursor=` for the next (older) page; null on the last page', examples: [null] }),
});

export const eventIdParams = z.object({
  id: eventIdParam.meta({ description: 'The event id, as the list or the ingest answer gave it', examples: [EXAMPLE.eventId] }),
});

const dispatchAttempt = z.object({
  attemptedAt: time('When the hub sent it to Meta', '2026-11-29T12:14:02.100Z'),
  outcome: z.string().meta({ description: "How the hub read Meta's answer: `ok`, `retry`, `invalid_token` or `invalid_data`", examples: ['ok'] }),
  httpStatus: z.number().int().nullable().meta({ description: "Meta's HTTP status; null when no answer came (network error, timeout)", examples: [200] }),
  eventsReceived: z.number().int().nullable().meta({ description: "Meta's `events_received`", examples: [1] }),
  fbtraceId: z.string().nullable().meta({ description: "Meta's `fbtrace_id`: quote it to Meta support", examples: ['AxG7h3kQ2mZ9pL1vT0rW5bN'] }),
  errorCode: z.number().int().nullable().meta({ description: "Meta's error code, when it refused", examples: [null] }),
  errorSubcode: z.number().int().nullable().meta({ description: "Meta's error subcode, when it gave one", examples: [null] }),
  errorMessage: z.string().nullable().meta({ description: "Meta's error message, or what went wrong on the way", examples: [null] }),
  durationMs: z.number().meta({ description: 'How long the request took, in milliseconds', examples: [184] }),
  nextRetryAt: maybeTime('When the next try is due; null when none is', '2026-11-29T12:15:02.100Z'),
});

const capiEvent = z.object({
  id: z.string().meta({ description: 'The CAPI event id', examples: [EXAMPLE.capiEventId] }),
  eventId: z.string().meta({ description: "Meta's `event_id`: the same on every retry, replay and duplicate delivery, so Meta counts it once", examples: ['purchase.3f1c9a0e5b7d42c8a61e0f9b2d4c7e13'] }),
  eventName: z.string().meta({ description: 'The Meta event name', examples: ['Purchase'] }),
  conversionId: z.string().nullable().meta({ description: 'The conversion it reports; null for a tracking event', examples: [EXAMPLE.conversionId] }),
  status: z.string().meta({
    description: '`pending` (to send or retrying), `sent`, `waiting` (the Meta token is invalid or missing: resumes once the connection is fixed), `failed` (refused for good), `not_sendable` (older than Meta accepts), `skipped`',
    examples: ['sent'],
  }),
  attempts: z.number().int().meta({ description: 'How many times it was sent to Meta', examples: [1] }),
  lastError: z.string().nullable().meta({ description: 'The last error, if any', examples: [null] }),
  nextAttemptAt: maybeTime('When the next try is due; null when none is', '2026-11-29T12:15:02.100Z'),
  sentAt: maybeTime('When Meta accepted it; null until then', '2026-11-29T12:14:02.284Z'),
  payload: z.unknown().meta({ description: "What is sent to Meta: the server event, identifiers hashed as Meta requires, the IP masked for this view" }),
  dispatchAttempts: z.array(dispatchAttempt).meta({ description: 'Every request to Meta that carried it, oldest first' }),
});

const match = z.object({
  method: z.string().meta({ description: 'How it was linked: `passthrough` (the session id the pixel put on the checkout link), `identity` (hashed e-mail or phone seen on the landing page), `fingerprint` (IP and user agent), `unmatched`', examples: ['passthrough'] }),
  confidence: z.number().meta({ description: 'From 0 to 1 (docs/matching.md explains each value)', examples: [0.99] }),
  visitorId: z.string().nullable().meta({ description: 'The linked visitor', examples: [EXAMPLE.visitorId] }),
  sessionId: z.string().nullable().meta({ description: 'The linked session', examples: [EXAMPLE.sessionId] }),
  clickId: z.string().nullable().meta({ description: 'The linked ad click', examples: [EXAMPLE.clickId] }),
  evidence: z.unknown().meta({ description: 'Why: the tokens looked up, the windows used, the time from click to conversion, …' }),
});

const conversion = z.object({
  id: z.string().meta({ description: 'The conversion id', examples: [EXAMPLE.conversionId] }),
  kind: z.string().meta({ description: 'The business fact: `purchase`, `refund`, `chargeback`, `subscription_renewed`, …', examples: ['purchase'] }),
  transactionId: z.string().meta({ description: "The gateway's transaction id", examples: ['HP17402938472'] }),
  value: z.string().nullable().meta({ description: 'The amount as a decimal string; null when the gateway gave none', examples: ['197.00'] }),
  currency: z.string().nullable().meta({ description: 'ISO 4217 currency', examples: ['BRL'] }),
  occurredAt: time('When it happened at the gateway', '2026-11-29T12:13:57.000Z'),
  status: z.string().meta({ description: 'Where the conversion is (`matched`, `unmatched`, …)', examples: ['matched'] }),
  flags: z.array(z.string()).meta({ description: 'What is unusual about it, e.g. `no_buyer_identifier`, `missing_currency`, `passthrough_session_not_found`', examples: [[]] }),
  relatedId: z.string().nullable().meta({ description: 'For a refund, chargeback or cancellation: the purchase it undoes', examples: [null] }),
  buyer: z.unknown().meta({ description: 'The buyer as the gateway gave it, personal data masked' }),
  tracking: z.unknown().meta({ description: 'Tracking parameters the gateway carried back (`sck`, `src`, `utm_*`, `client_reference_id`)' }),
  match: match.nullable().meta({ description: 'How it was linked to a click or session; null until the match worker ran' }),
});

export const eventStory = z
  .object({
    id: z.string().meta({ description: 'The event id', examples: [EXAMPLE.eventId] }),
    type: eventTypes.meta({ description: TYPE, examples: ['webhook'] }),
    gateway: z.string().nullable().meta({ description: 'The gateway of a webhook; null for tracking events', examples: ['hotmart'] }),
    status: eventStatuses.meta({ description: STATUS, examples: ['dispatched'] }),
    flags: z.array(z.string()).meta({ description: 'What is unusual about it', examples: [[]] }),
    error: z.string().nullable().meta({ description: 'Why it could not be processed, when it could not', examples: [null] }),
    occurredAt: time('When it happened', EXAMPLE.occurredAt),
    receivedAt: time('When the hub stored it', EXAMPLE.receivedAt),
    clientIp: z.string().nullable().meta({ description: 'The IP it came from, masked', examples: ['189.40.12.***'] }),
    raw: z
      .object({
        headers: z.unknown().meta({ description: 'The request headers as received, secrets removed; null for tracking events', examples: [{ 'content-type': 'application/json', 'user-agent': 'Hotmart-Webhook/2.0' }] }),
        body: z.unknown().meta({ description: 'The body as received, personal data masked; null for tracking events' }),
      })
      .meta({ description: 'Exactly what arrived (the evidence behind everything else)' }),
    normalized: z.unknown().meta({ description: "The hub's reading of it: for a webhook, what the gateway parser made of the body; for a tracking event, its stored payload (personal data masked)" }),
    conversions: z.array(conversion).meta({ description: 'The business facts this delivery brought (none for tracking events)' }),
    capiEvents: z.array(capiEvent).meta({ description: 'What was or will be sent to Meta because of it, with every attempt' }),
  })
  .meta({ description: 'raw (PII masked) → normalized → conversions → match → CAPI events → attempts' });

export const replayParams = z.object({
  eventId: eventIdParam.meta({ description: 'The event to re-run', examples: [EXAMPLE.eventId] }),
});

export const replayAccepted = z.object({
  replayId: z.string().meta({ description: "Names this replay in the match worker's logs", examples: [EXAMPLE.replayId] }),
});

export const statsQuery = z.object({
  from: apiTime.optional().meta({ description: 'Start of the period (RFC 3339, 2000-2100); default 24 hours before `to`', examples: [EXAMPLE.from] }),
  to: apiTime.optional().meta({ description: 'End of the period, exclusive (RFC 3339, 2000-2100); default now', examples: [EXAMPLE.to] }),
});

const nullableRate = (description: string, example: number) => z.number().nullable().meta({ description, examples: [example] });

export const stats = z.object({
  from: time('Start of the period', EXAMPLE.from),
  to: time('End of the period (exclusive)', EXAMPLE.to),
  events: z
    .array(
      z.object({
        type: eventTypes.meta({ description: 'Event type', examples: ['webhook'] }),
        status: eventStatuses.meta({ description: 'Event status', examples: ['dispatched'] }),
        count: z.number().int().meta({ description: 'Events of this type in this status, received in the period', examples: [412] }),
      }),
    )
    .meta({ description: 'Events received in the period, counted per type and status' }),
  matches: z.record(z.string(), z.number().int()).meta({ description: 'Conversions of the period per match method', examples: [{ passthrough: 301, identity: 44, fingerprint: 9, unmatched: 21 }] }),
  matchRate: nullableRate('Share of conversions linked to a click or session, 0-1; null with no conversions', 0.944),
  dispatch: z.record(z.string(), z.number().int()).meta({ description: 'CAPI events of the period per status', examples: [{ sent: 1873, pending: 4, failed: 2 }] }),
  dispatchSuccessRate: nullableRate('sent / (sent + failed), 0-1; null when none finished', 0.9989),
  webhookToMetaSeconds: z
    .object({
      p50: nullableRate('Median seconds from webhook received to Meta accepting the event', 1.8),
      p95: nullableRate('95th percentile of the same', 6.2),
    })
    .meta({ description: 'How fast a sale reaches Meta; nulls when nothing was sent in the period' }),
});

export const deadLetterQuery = z.object({
  queue: queueNames.default('ingest-events').meta({ description: '`ingest-events` (matching) or `capi-dispatch` (sending to Meta)', examples: ['capi-dispatch'] }),
  limit: z.coerce.number().int().min(1).max(500).default(50).meta({ description: 'At most this many jobs, 1-500', examples: [50] }),
});

export const deadLetters = z.object({
  data: z
    .array(
      z.object({
        id: z.string().meta({ description: 'The job id; redrive it with `POST /api/v1/dead-letters/{jobId}/redrive`', examples: [EXAMPLE.jobId] }),
        queue: z.string().meta({ description: 'The queue it failed on', examples: ['capi-dispatch'] }),
        payload: z.unknown().meta({ description: 'What the job was to do', examples: [{ capiEventId: EXAMPLE.capiEventId, tenantId: EXAMPLE.tenantId }] }),
        attempts: z.number().int().meta({ description: 'How many times it ran', examples: [8] }),
        lastError: z.string().nullable().meta({ description: 'The error of its last run', examples: ['connect ETIMEDOUT 157.240.12.35:443'] }),
        createdAt: time('When it was first queued', EXAMPLE.receivedAt),
      }),
    )
    .meta({ description: 'Jobs that failed every retry, newest first' }),
});

export const redriveParams = z.object({
  jobId: jobIdParam.meta({ description: 'The dead job, as the list gave it', examples: [EXAMPLE.jobId] }),
});

export const redriveQuery = z.object({
  queue: queueNames.default('ingest-events').meta({ description: 'The queue the job died on', examples: ['capi-dispatch'] }),
});

export const redriven = z.object({
  redriven: z.literal(true).meta({ description: 'The job is back on its queue with its attempts reset', examples: [true] }),
});
