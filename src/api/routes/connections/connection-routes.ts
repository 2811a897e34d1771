// PUT /api/v1/connections/meta (checked against Meta, src/operations/meta/connect-meta.ts), POST
// /api/v1/connections/meta/test (one test event, src/operations/meta/send-test-event.ts) and
// PUT /api/v1/connections/{gateway}: credentials sealed at rest.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppDeps } from '../../deps.ts';
import { requireTenant, tenantOf } from '../../plugins/auth.ts';
import { requestLocale } from '../../plugins/error-handler.ts';
import { valueOf } from '../../operation-problem.ts';
import { jsonResponse, problemResponse, problemResponses, secretKeyAuth } from '../../schemas.ts';
import { publicBaseUrl } from '../../public-url.ts';
import { connectGatewayOperation } from '../../../operations/gateways/connect-gateway.ts';
import { gatewayNames, gatewayRegistry } from '../../../domain/gateways/gateway-registry.ts';
import type { GatewayName } from '../../../domain/gateways/types.ts';
import { say, type Locale, type Message } from '../../../i18n/index.ts';
import { connectMetaOperation, metaConnectionInput } from '../../../operations/meta/connect-meta.ts';
import { metaTestInput, sendMetaTestEventOperation, TEST_EVENT_NAMES } from '../../../operations/meta/send-test-event.ts';

const gatewayResult = z
  .object({
    kind: z.enum(gatewayNames as [GatewayName, ...GatewayName[]]).describe('The gateway').meta({ example: 'hotmart' }),
    configured: z.literal(true).describe('Always true: the secret is stored sealed and never returned'),
    hint: z.string().describe('Last characters of the secret, to recognise it').meta({ example: '…e7d6' }),
    webhookUrl: z
      .string()
      .describe("The URL to paste in the gateway's webhook settings")
      .meta({ example: 'https://hub.acme.com.br/api/v1/webhooks/hotmart?tenant=ten_01a18cae5e0075af8bc0f3eea62dcf0d' }),
    warning: z
      .string()
      .nullable()
      .meta({
        description: "Set when the webhook URL is local (HUB_PUBLIC_URL unset, a localhost request): the gateway cannot reach it. In the request's language",
        examples: [null],
      }),
  })
  .describe('Connected');

const HEALTH = ['healthy', 'unverified', 'unhealthy'] as const;

const metaAnswer = z
  .object({
    httpStatus: z.number().int().nullable().describe('HTTP status of Meta\'s answer').meta({ example: 400 }),
    code: z.number().int().nullable().describe('Graph error code').meta({ example: 190 }),
    subcode: z.number().int().nullable().describe('Graph error subcode').meta({ example: 463 }),
    message: z
      .string()
      .nullable()
      .describe("Meta's own words (English, as Graph sends them)")
      .meta({ example: 'Error validating access token: Session has expired on Friday, 27-Nov-26 10:00:00 PST.' }),
    fbtraceId: z.string().nullable().describe("Meta's trace id: quote it when asking Meta for help").meta({ example: 'AbCdEf12345' }),
  })
  .describe('What Meta answered to the check');

const metaConnectionResult = z
  .object({
    kind: z.literal('meta').describe('Always meta'),
    configured: z.literal(true).describe('Always true: the token is stored sealed and never returned'),
    hint: z.string().describe('Last characters of the token, to recognise it').meta({ example: '…9Q2x' }),
    health: z
      .enum(HEALTH)
      .describe('How the connection is stored: healthy (Meta confirmed it), unverified (not confirmed: events are still sent) or unhealthy (the token is refused: events wait)')
      .meta({ example: 'healthy' }),
    verification: z
      .object({
        status: z.enum(['verified', 'unverified']).describe('verified: Meta accepted the token and showed the pixel').meta({ example: 'verified' }),
        pixelName: z.string().optional().describe("The pixel's name in Events Manager, when verified").meta({ example: 'Acme Cursos — Pixel' }),
        reason: z
          .string()
          .optional()
          .describe("Why it is not verified, in the request's language (Accept-Language)")
          .meta({ example: 'The access token was refused by Meta: it has expired (code 190/463).' }),
        fix: z
          .string()
          .optional()
          .describe('What to do about it')
          .meta({ example: 'Generate a new token in Events Manager → your pixel (dataset) → Settings → Conversions API → Generate access token, then save it again (PUT /api/v1/connections/meta). Events for Meta wait until then; none are lost.' }),
        metaAnswer: metaAnswer.optional(),
      })
      .describe('What a live check of the token and pixel against Meta found (GET /{version}/{pixel-id})'),
  })
  .describe('Meta connected, with what the check of the token and pixel found');

const metaTestResult = z
  .object({
    result: z
      .enum(['accepted', 'refused', 'no_answer'])
      .describe('accepted: Meta took the event; refused: Meta said no (see error and fix); no_answer: timeout, network error or Meta down')
      .meta({ example: 'accepted' }),
    summary: z
      .string()
      .describe("What happened, in the request's language")
      .meta({ example: 'Meta accepted the test event (1 received). Look for PageView with event_id hub-test-… in Events Manager → your pixel → Test events (code TEST12345).' }),
    fix: z.string().optional().describe('What to do when it was not accepted'),
    pixelId: z.string().describe('The pixel it was sent to').meta({ example: '1234567890123456' }),
    testEventCode: z.string().describe('The test code it carried').meta({ example: 'TEST12345' }),
    eventName: z.enum(TEST_EVENT_NAMES).describe('The event sent').meta({ example: 'PageView' }),
    eventId: z.string().describe('Its event_id, to find it in Test events').meta({ example: 'hub-test-0b6f8f5e-3c1d-4c55-9a7e-1f2d3c4b5a69' }),
    httpStatus: z.number().int().nullable().describe("HTTP status of Meta's answer (null: no answer)").meta({ example: 200 }),
    eventsReceived: z.number().int().nullable().describe("Meta's events_received").meta({ example: 1 }),
    fbtraceId: z.string().nullable().describe("Meta's fbtrace_id").meta({ example: 'AbCdEf12345' }),
    messages: z.array(z.string()).describe("Meta's messages about the event (usually none)").meta({ example: [] }),
    error: z
      .object({
        code: z.number().int().nullable().describe('Graph error code').meta({ example: 190 }),
        subcode: z.number().int().nullable().describe('Graph error subcode').meta({ example: 463 }),
        message: z.string().nullable().describe("Meta's message").meta({ example: 'Error validating access token: Session has expired' }),
      })
      .nullable()
      .describe('Meta\'s error, when it refused'),
  })
  .describe("The test event and Meta's answer");

export function connectionRoutes(deps: AppDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.addHook('preHandler', requireTenant(deps.store.db));

    app.put(
      '/api/v1/connections/meta',
      {
        schema: {
          summary: 'Connect the Meta pixel and its Conversions API token',
          description:
            'Checks the token and the pixel against Meta (a read of the pixel, a few seconds at most) and stores the connection ' +
            'with what the check found. A connection Meta did not confirm is stored unverified (events are still sent) or, when ' +
            'Meta refuses the token itself, unhealthy (events wait for a new token). The test event code is used only by ' +
            'POST /api/v1/connections/meta/test, never on live events.',
          tags: ['connections'],
          security: secretKeyAuth,
          body: metaConnectionInput,
          response: {
            200: jsonResponse('Connected: what the check of the token and pixel found, and how the connection is stored', metaConnectionResult),
            400: problemResponse(400, "Invalid input (a pixel id that is not 5-20 digits, a token over 2,048 characters, …): the problem's `errors` name the fields"),
            ...problemResponses(401, 413),
          },
        },
      },
      async (request) => {
        const saved = valueOf(await connectMetaOperation(deps, tenantOf(request).id, request.body));
        const locale = requestLocale(request);
        const v = saved.verification;
        return {
          kind: saved.kind,
          configured: true as const,
          hint: saved.hint,
          health: saved.health,
          verification: {
            status: v.status,
            ...(v.pixelName ? { pixelName: v.pixelName } : {}),
            ...said(locale, 'reason', v.reason),
            ...said(locale, 'fix', v.fix),
            ...(v.metaAnswer ? { metaAnswer: v.metaAnswer } : {}),
          },
        };
      },
    );

    app.post(
      '/api/v1/connections/meta/test',
      {
        schema: {
          summary: 'Send one test event to Meta and show its answer',
          description:
            "Sends one server event with a test event code (the one given, else the connection's) so it shows in Events Manager → " +
            "your pixel → Test events, and answers Meta's answer. Meta does not drop test events, so the default is a PageView.",
          tags: ['connections'],
          security: secretKeyAuth,
          // The body is optional: Fastify hands a POST without one to validation as null.
          body: metaTestInput.nullish().describe('Optional: send nothing, {} or the fields to override'),
          response: {
            200: jsonResponse("Sent (or not): Meta's answer, accepted, refused or no answer", metaTestResult),
            400: problemResponse(400, 'No test event code given and none saved on the connection (`test-event-code-required`), or invalid input', {
              type: 'https://hub.dev/problems/test-event-code-required',
              title: 'Bad Request',
              detail: 'No test event code: give one (field testEventCode, or --test-code) or save one on the Meta connection. Meta shows it in Events Manager → your pixel → Test events.',
            }),
            409: problemResponse(409, 'Meta is not connected (`meta-not-connected`), or the stored connection cannot be read (`meta-connection-unreadable`)', {
              type: 'https://hub.dev/problems/meta-not-connected',
              detail: 'Meta is not connected for this tenant: connect it first with PUT /api/v1/connections/meta.',
            }),
            ...problemResponses(401, 413),
          },
        },
      },
      async (request) => {
        const tested = valueOf(await sendMetaTestEventOperation(deps, tenantOf(request).id, request.body ?? {}));
        const locale = requestLocale(request);
        const { summary, fix, ...rest } = tested;
        return { ...rest, summary: say(locale, summary), ...said(locale, 'fix', fix) };
      },
    );

    // One route per registered gateway, its body the module's own connection schema.
    for (const gateway of gatewayNames) {
      const { label, connection } = gatewayRegistry[gateway];
      app.put(
        `/api/v1/connections/${gateway}`,
        {
          schema: {
            summary: `Connect ${label} webhooks`,
            description: `Stores the ${label} webhook secret sealed and answers the webhook URL to paste in ${label}.`,
            tags: ['connections'],
            security: secretKeyAuth,
            body: connection.body,
            response: {
              200: jsonResponse(`${label} connected: the webhook URL to paste in ${label}`, gatewayResult),
              ...problemResponses(400, 401, 413),
            },
          },
        },
        async (request) => {
          const connected = valueOf(
            await connectGatewayOperation({ ...deps, baseUrl: publicBaseUrl(deps.config, request) }, tenantOf(request).id, gateway, request.body),
          );
          const { warning, ...rest } = connected;
          return { ...rest, warning: warning ? say(requestLocale(request), warning) : null };
        },
      );
    }
  };
}

/** `{ [field]: text }` in the reader's language, or nothing. */
function said<K extends string>(locale: Locale, field: K, message: Message | null): Partial<Record<K, string>> {
  return message ? ({ [field]: say(locale, message) } as Record<K, string>) : {};
}
