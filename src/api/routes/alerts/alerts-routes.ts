// GET /api/v1/alerts (what the alert evaluator raised: src/workers/alerts) and GET /api/v1/meta/quality
// (Meta's Event Match Quality beside the hub's identifier coverage). The work is in
// src/operations/alerts/; these routes authenticate, call it and say its messages in the caller's language.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppDeps } from '../../deps.ts';
import { requireTenant, tenantOf } from '../../plugins/auth.ts';
import { requestLocale } from '../../plugins/error-handler.ts';
import { EXAMPLE, jsonResponse, problemResponse, problemResponses, secretKeyAuth } from '../../schemas.ts';
import { valueOf } from '../../operation-problem.ts';
import { say } from '../../../i18n/index.ts';
import { HUB_COVERAGE_KEYS } from '../../../store/meta-readings.ts';
import { listAlertsOperation } from '../../../operations/alerts/list-alerts.ts';
import { getMetaQualityOperation } from '../../../operations/alerts/meta-quality.ts';

const ALERT_ID = 'alr_01a2273b5c0074d2a1f39e0c5b7d8e21';
const RULES =
  '`sale_not_delivered` (a paid sale not accepted by Meta 15 min after it arrived), `token_refused` (Meta refused the access token), ' +
  '`token_expiring` (Meta says the token expires within 7 days), `delivery_rate_low` (under 90 % of events accepted over 6 h), ' +
  '`signature_failures` (10+ webhooks of one gateway failing their signature in 15 min), `gateway_silent` (no webhook from a connected ' +
  "gateway in 24 h while 20+ clicks arrived), `events_near_limit` (events not yet at Meta, 6+ days old: Meta refuses them at 7)";

const alertQuery = z.object({
  state: z.enum(['open', 'resolved']).optional().meta({ description: 'Only open or only resolved alerts; both when omitted', examples: ['open'] }),
  limit: z.coerce.number().int().min(1).max(500).default(50).meta({ description: 'Alerts per page, 1-500', examples: [50] }),
  cursor: z
    .string()
    .max(200)
    .optional()
    .meta({ description: 'The `nextCursor` of the previous page; omit it for the newest alerts', examples: ['MjAyNi0xMS0yOVQxMjoyOTowMC4wMDBafGFscl8wMWEyMjczYjVjMDA3NGQyYTFmMzllMGM1YjdkOGUyMQ'] }),
});

const alertItem = z.object({
  id: z.string().meta({ description: 'The alert id: one per occurrence (a condition that clears and comes back is a new alert)', examples: [ALERT_ID] }),
  rule: z.string().meta({ description: `What was watched: ${RULES}`, examples: ['sale_not_delivered'] }),
  subject: z.string().meta({ description: 'What the alert is about: `meta` (the Meta connection and its events) or a gateway (`hotmart`, `kiwify`, `stripe`)', examples: ['meta'] }),
  state: z.enum(['open', 'resolved']).meta({ description: '`open` while the condition holds; `resolved` once it cleared', examples: ['open'] }),
  title: z.string().meta({ description: "The rule in a few words, in the caller's language (Accept-Language: pt-BR or en)", examples: ['paid sales not accepted by Meta in time'] }),
  message: z.string().meta({
    description: "What was found and what to do, in the caller's language; counts, gateways and times only, never a buyer's data",
    examples: ['2 paid sale(s) not accepted by Meta 15 min after they arrived (the oldest at 2026-11-29 12:14 UTC). Each event story (GET /api/v1/events/{id}) shows what Meta answered.'],
  }),
  openedAt: z.string().meta({ description: 'When the evaluator first found the condition (RFC 3339)', examples: ['2026-11-29T12:29:00.000Z'] }),
  resolvedAt: z.string().nullable().meta({ description: 'When it found the condition cleared; null while open', examples: [null] }),
  lastEvaluatedAt: z.string().meta({ description: 'The last evaluation that saw it open (or resolved it)', examples: ['2026-11-29T12:41:00.000Z'] }),
  notifiedAt: z
    .string()
    .nullable()
    .meta({ description: "When its current state reached the alert webhook (tenant settings `alertWebhookUrl`, else HUB_ALERT_WEBHOOK_URL); null while still owed, or with no webhook set", examples: ['2026-11-29T12:29:00.412Z'] }),
  details: z.record(z.string(), z.unknown()).meta({
    description: 'The figures behind the message, per rule (e.g. `count`, `oldestArrivedAt`, `conversionIds` for sale_not_delivered; `expiresAt`, `daysLeft` for token_expiring; `gateway`, `count` for signature_failures)',
    examples: [{ count: 2, boundMinutes: 15, oldestArrivedAt: '2026-11-29T12:14:00.412Z', conversionIds: [EXAMPLE.conversionId] }],
  }),
});

const alertPage = z.object({
  data: z.array(alertItem).meta({ description: 'The alerts of this page, newest opened first' }),
  nextCursor: z.string().nullable().meta({ description: 'Pass it as `?cursor=` for the next (older) page; null on the last page', examples: [null] }),
});

const percent = (description: string, example: number) => z.number().nullable().meta({ description, examples: [example] });

const eventQuality = z.object({
  eventName: z.string().meta({ description: 'The event as Meta counts it (Purchase, PageView, Lead, …)', examples: ['Purchase'] }),
  matchQuality: percent("Meta's Event Match Quality for this event, 0-10 (Events Manager shows the same score); null when Meta gives none", 6.2),
  matchKeys: z
    .array(
      z.object({
        identifier: z.string().meta({ description: 'The customer information key, as Meta names it (email, phone, external_id, ip_address, user_agent, …)', examples: ['email'] }),
        coveragePercent: percent('Share of the events carrying it, 0-100, as Meta measured', 98.5),
      }),
    )
    .meta({ description: "Meta's coverage of each match key for this event" }),
  diagnostics: z
    .array(
      z.object({
        name: z.string().meta({ description: "Meta's name for the issue", examples: ['Server sending mismatched IP addresses'] }),
        description: z.string().nullable().meta({ description: 'What Meta found', examples: ['Your server is sending client IP addresses that do not match those from Meta Pixel.'] }),
        solution: z.string().nullable().meta({ description: 'What Meta suggests', examples: ['In your server payload, send the client_ip_address retrieved from customer interactions.'] }),
        percentage: percent('Share of the events affected, 0-100', 61.5),
        affectedEventCount: z.number().nullable().meta({ description: 'Events affected', examples: [19567] }),
        totalEventCount: z.number().nullable().meta({ description: 'Events looked at', examples: [31830] }),
      }),
    )
    .meta({ description: "Meta's EMQ diagnostics: issues it found with the customer information sent" }),
  eventCoveragePercent: percent('Share of the pixel\'s browser events the Conversions API also sent with shared deduplication keys (7-day average), 0-100', 74.1),
  uploadFrequency: z.string().nullable().meta({ description: 'How often Meta receives the event from the server: `real_time`, `hourly`, …', examples: ['real_time'] }),
});

const quality = z.object({
  pixelId: z.string().meta({ description: 'The Meta pixel (dataset) of the connection', examples: ['1234567890123456'] }),
  meta: z
    .object({
      status: z.enum(['available', 'refused', 'no_answer']).meta({
        description: '`available`: Meta answered; `refused`: Meta refused the question (the token, its permissions or the dataset: see `error`); `no_answer`: Meta did not answer (asked again within minutes)',
        examples: ['available'],
      }),
      fetchedAt: z.string().meta({ description: 'When Meta was asked; the answer is kept for up to 6 hours', examples: ['2026-11-29T09:00:00.000Z'] }),
      events: z.array(eventQuality).meta({ description: "Meta's Dataset Quality API, per web event (empty unless available)" }),
      error: z
        .object({
          httpStatus: z.number().int().nullable().meta({ description: "Meta's HTTP status; null when no answer came", examples: [400] }),
          code: z.number().int().nullable().meta({ description: "Graph's error code", examples: [200] }),
          subcode: z.number().int().nullable().meta({ description: "Graph's error subcode", examples: [null] }),
          message: z.string().nullable().meta({ description: "Meta's words (the token cut out)", examples: ['(#200) Missing Permission'] }),
          fbtraceId: z.string().nullable().meta({ description: "Meta's trace id, for Meta's support", examples: ['AbCdEf12345'] }),
        })
        .nullable()
        .meta({ description: 'Why Meta gave no quality data; null when it did' }),
    })
    .meta({ description: "Meta's own view: GET {HUB_META_GRAPH_URL}/{version}/dataset_quality for the connection's pixel" }),
  hub: z
    .object({
      since: z.string().meta({ description: 'Start of the 7 days counted', examples: ['2026-11-22T12:00:00.000Z'] }),
      events: z
        .array(
          z.object({
            eventName: z.string().meta({ description: 'The event name sent', examples: ['Purchase'] }),
            sent: z.number().int().meta({ description: 'Events Meta accepted in the 7 days', examples: [412] }),
            coverage: z
              .object(Object.fromEntries(HUB_COVERAGE_KEYS.map((k) => [k, z.number().meta({ description: `Share of them carrying \`${k}\`, 0-1`, examples: [0.98] })])) as Record<
                (typeof HUB_COVERAGE_KEYS)[number],
                z.ZodNumber
              >)
              .meta({ description: "Per Meta user_data key (em, ph, external_id, fbc, fbp, client_ip_address, client_user_agent): the share of accepted events that carried it" }),
          }),
        )
        .meta({ description: 'Per event name, most sent first' }),
    })
    .meta({ description: "The hub's own view: identifier coverage of the events Meta accepted, from what the hub sent" }),
});

const notConnected = problemResponse(409, 'Meta is not connected for this tenant (`meta-not-connected`), or its stored token cannot be read (`meta-connection-unreadable`)', {
  type: 'https://hub.dev/problems/meta-not-connected',
  detail: 'Meta is not connected for this tenant: connect it first with PUT /api/v1/connections/meta.',
});

export function alertRoutes(deps: AppDeps): FastifyPluginAsyncZod {
  return async (app) => {
    const auth = requireTenant(deps.store.db);
    app.get(
      '/api/v1/alerts',
      {
        preHandler: auth,
        schema: {
          summary: 'List the alerts the hub raised, newest first',
          description:
            `The workers evaluate every rule for every tenant each minute (HUB_ALERT_INTERVAL_MS): ${RULES}. A condition that holds keeps one open alert; ` +
            'it resolves when the condition clears. Each opening and resolution is posted to the alert webhook (tenant settings `alertWebhookUrl`, else ' +
            'HUB_ALERT_WEBHOOK_URL) as JSON with a Slack-compatible `text`. docs/operations.md ("Tenant alerts") has every threshold.',
          tags: ['operations'],
          security: secretKeyAuth,
          querystring: alertQuery,
          response: {
            200: jsonResponse('A page of alerts', alertPage),
            400: problemResponse(400, "An unknown state or limit (the problem's `errors` name it), or a cursor this API did not return (`invalid-cursor`)"),
            ...problemResponses(401),
          },
        },
      },
      async (request) => {
        const page = valueOf(await listAlertsOperation(deps, tenantOf(request).id, request.query));
        const locale = requestLocale(request);
        return {
          ...page,
          data: page.data.map((a) => ({
            ...a,
            title: a.title ? say(locale, a.title) : a.rule,
            message: a.message ? say(locale, a.message) : '',
          })),
        };
      },
    );

    app.get(
      '/api/v1/meta/quality',
      {
        preHandler: auth,
        schema: {
          summary: "Compare Meta's match quality with the hub's identifier coverage",
          description:
            "Meta's Event Match Quality per event, with each match key's coverage and Meta's diagnostics, from the Dataset Quality API " +
            '(asked through HUB_META_GRAPH_URL with the connection\'s token, kept for up to 6 hours); beside it, the share of the events Meta ' +
            'accepted in the last 7 days that carried each identifier, from what the hub sent. docs/meta-connection.md has the sources.',
          tags: ['operations'],
          security: secretKeyAuth,
          response: {
            200: jsonResponse("Meta's quality and the hub's coverage", quality),
            ...problemResponses(401),
            409: notConnected,
          },
        },
      },
      async (request) => valueOf(await getMetaQualityOperation(deps, tenantOf(request).id)),
    );
  };
}
