// POST /api/v1/webhooks/{gateway}?tenant=ten_… — exactly what each gateway sends. The body is kept as
// raw bytes (signatures are computed over them), so this route group has its own body parser.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppDeps } from '../../deps.ts';
import { HttpProblem, problems } from '../../problem.ts';
import { errorResponses } from '../../schemas.ts';
import { createWebhookReceiver, type WebhookOutcome } from './receive-webhook.ts';
import { requestTraceparent } from '../../plugins/request-tracing.ts';
import { gatewayNames } from '../../../domain/gateways/gateway-registry.ts';

const received = z.object({ received: z.literal(true), id: z.string(), duplicate: z.boolean(), unprocessable: z.boolean().optional() });

export function webhookRoutes(deps: AppDeps): FastifyPluginAsyncZod {
  return async (app) => {
    const receive = createWebhookReceiver(deps);
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer' }, (request, body, done) => {
      request.rawBody = body as Buffer;
      done(null, body);
    });

    app.post(
      '/api/v1/webhooks/:gateway',
      {
        schema: {
          summary: 'Receive a payment gateway webhook (Hotmart postback 2.0, Kiwify, Stripe)',
          description:
            'Authenticated by the gateway signature on the raw body (Hotmart X-HOTMART-HOTTOK, Kiwify ?signature= HMAC-SHA1, Stripe Stripe-Signature). 200 only once durable.',
          tags: ['webhooks'],
          params: z.object({ gateway: z.string().max(40) }),
          querystring: z.object({ tenant: z.string().max(100).optional() }).catchall(z.string()),
          response: { 200: received, ...errorResponses },
        },
      },
      async (request, reply) => {
        const outcome = await receive({
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
