// POST /api/v1/webhooks/{gateway}?tenant=ten_… — exactly what each gateway sends. The body is kept as
// raw bytes (signatures are computed over them), so this route group has its own body parser.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppDeps } from '../../deps.ts';
import { HttpProblem, problems } from '../../problem.ts';
import { EXAMPLE, jsonResponse, problemResponse, problemResponses } from '../../schemas.ts';
import { plainText, tenantIdParam } from '../../param-schemas.ts';
import { createWebhookReceiver, type WebhookOutcome } from './receive-webhook.ts';
import { requestTraceparent } from '../../plugins/request-tracing.ts';
import { gatewayNames } from '../../../domain/gateways/gateway-registry.ts';

const received = z.object({
  received: z.literal(true).meta({ description: 'Always true: the delivery is durably stored, so the gateway must not send it again', examples: [true] }),
  id: z.string().meta({ description: 'The event the delivery is stored as (for a duplicate, the first delivery\'s); see `GET /api/v1/events/{id}`', examples: [EXAMPLE.eventId] }),
  duplicate: z.boolean().meta({ description: 'True when this delivery was already received (gateways resend): nothing is processed twice', examples: [false] }),
  unprocessable: z
    .boolean()
    .optional()
    .meta({ description: 'Present and true when the signature is valid but the payload is not understood: kept raw and flagged for an operator', examples: [true] }),
});

// What each gateway sends, for the reader of /docs (the route takes the body as raw bytes, so the
// headers are described here rather than validated by a schema).
const AUTHENTICATION = [
  'Point each gateway at the URL `PUT /api/v1/connections/{gateway}` answered (`https://YOUR-HUB/api/v1/webhooks/{gateway}?tenant=ten_…`). The body is taken exactly as the gateway sends it (JSON, kept byte for byte, since signatures are computed over it) and authenticated with the secret saved for that connection:',
  '',
  '| gateway | what proves the delivery | where the secret comes from |',
  '|---|---|---|',
  "| `hotmart` (postback 2.0) | header `X-HOTMART-HOTTOK: <hottok>`; old postbacks with `hottok` in the body are accepted when the header is absent | Hotmart → Tools → Webhook (API and notifications) → Authentication: the hottok (`hottok` of the connection) |",
  "| `kiwify` | query `?signature=<40 hex>`, added by Kiwify: HMAC-SHA1 of the raw body keyed with the webhook token | Kiwify → Apps → Webhooks: the webhook's token (`token` of the connection) |",
  "| `stripe` | header `Stripe-Signature: t=<unix time>,v1=<hex>`: HMAC-SHA256 of `<t>.<body>` with the endpoint's signing secret, at most 300 s old | Stripe Dashboard → Developers → Webhooks → the endpoint: its signing secret `whsec_…` (`webhookSecret` of the connection; a list is tried, for rotation) |",
  '',
  'A 200 is sent only once the delivery is durable: a signed delivery is never dropped, even when its payload is not understood (then it is kept raw, flagged `unprocessable`, and still answered 200 so the gateway does not retry forever). Anything that fails authentication is answered 401 and only counted for the operator (per tenant, gateway, reason and source IP); the body is never kept.',
].join('\n');

export function webhookRoutes(deps: AppDeps): FastifyPluginAsyncZod {
  return async (app) => {
    const receiver = createWebhookReceiver(deps);
    // Before the store closes (src/cli/serve.ts closes the app first): the last rejection counts are written.
    app.addHook('onClose', async () => {
      await receiver.close();
    });
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer' }, (request, body, done) => {
      request.rawBody = body as Buffer;
      done(null, body);
    });

    app.post(
      '/api/v1/webhooks/:gateway',
      {
        schema: {
          summary: 'Receive a payment gateway webhook',
          description: AUTHENTICATION,
          tags: ['webhooks'],
          params: z.object({
            gateway: plainText(40).meta({ description: 'The gateway that sends it: `hotmart`, `kiwify` or `stripe`', examples: ['hotmart'] }),
          }),
          querystring: z
            .object({
              tenant: tenantIdParam
                .optional()
                .meta({ description: 'The tenant the delivery is for, as in the webhook URL the connection answered', examples: [EXAMPLE.tenantId] }),
              signature: plainText(200)
                .optional()
                .meta({ description: 'Kiwify only, added by Kiwify: HMAC-SHA1 of the raw body keyed with the webhook token, 40 hex digits', examples: ['5d41402abc4b2a76b9719d911017c592bbd4f7a1'] }),
            })
            .catchall(plainText(2048)),
          response: {
            200: jsonResponse('Received: stored durably, new or a duplicate; the gateway is done', received),
            400: problemResponse(400, 'The signature is valid but the body is not JSON (kept for an operator), or the query is invalid (e.g. `tenant` is not a tenant id)', {
              type: 'https://hub.dev/problems/malformed-body',
              title: 'Bad Request',
              detail: `The body is not JSON. It was kept for an operator as ${EXAMPLE.eventId}.`,
            }),
            401: problemResponse(401, 'Not authenticated: the signature or hottok is missing or wrong, the tenant is unknown, or this gateway is not connected for it', {
              type: 'https://hub.dev/problems/invalid-signature',
              detail: 'The delivery could not be authenticated for this tenant.',
            }),
            404: problemResponse(404, 'Not a gateway the hub knows', {
              detail: 'Unknown gateway: use hotmart, kiwify, stripe.',
              instance: '/api/v1/webhooks/pagseguro',
            }),
            ...problemResponses(413),
          },
        },
      },
      async (request, reply) => {
        const outcome = await receiver.receive({
          gateway: request.params.gateway,
          tenantId: request.query.tenant,
          sourceIp: request.ip,
          contentType: request.headers['content-type'],
          trace: requestTraceparent(request),
          req: {
            rawBody: request.rawBody ?? Buffer.alloc(0),
            headers: request.headers,
            query: request.query as Record<string, string | undefined>,
            receivedAt: new Date(),
          },
        });
        return answer(outcome, reply);
      },
    );
  };
}

function answer(outcome: WebhookOutcome, reply: { code(n: number): unknown }) {
  switch (outcome.kind) {
    case 'accepted':
      reply.code(200);
      return { received: true as const, id: outcome.id, duplicate: outcome.duplicate };
    case 'unprocessable':
      // The gateway must not retry forever: it is stored and flagged for an operator.
      reply.code(200);
      return { received: true as const, id: outcome.id, duplicate: outcome.duplicate, unprocessable: true };
    case 'not_json':
      throw problems.badRequest('malformed-body', 'problem.webhookMalformed', { reason: outcome.reason, id: outcome.id });
    case 'rejected':
      throw new HttpProblem(401, 'invalid-signature', 'Unauthorized', { key: 'problem.webhookUnauthenticated' });
    case 'unknown_gateway':
      throw problems.notFound('problem.unknownGateway', { gateways: gatewayNames.join(', ') });
  }
}
