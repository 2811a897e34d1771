// PUT /api/v1/connections/meta and /api/v1/connections/{gateway}: credentials sealed at rest.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppDeps } from '../../deps.ts';
import { requireTenant, tenantOf } from '../../plugins/auth.ts';
import { errorResponses, secretKeyAuth } from '../../schemas.ts';
import { upsertConnection } from '../../../store/connections.ts';
import { publicBaseUrl } from '../../public-url.ts';

const secretString = z.string().trim().min(1).max(2048);

const metaBody = z.object({
  pixelId: z.string().regex(/^\d{5,20}$/, 'expected the numeric pixel (dataset) id'),
  accessToken: secretString,
  testEventCode: z.string().trim().min(1).max(100).nullable().optional(),
  graphApiVersion: z.string().regex(/^v\d+\.\d+$/, 'expected a version like v24.0').optional(),
  /** Opt-in: send refunds and chargebacks to Meta as custom events. */
  sendRefunds: z.boolean().optional(),
});

const gatewayBodies = {
  hotmart: z.object({ hottok: secretString }),
  kiwify: z.object({ token: secretString }),
  stripe: z.object({
    webhookSecret: z.union([secretString, z.array(secretString).min(1).max(5)]),
  }),
} as const;

const connectionResult = z.object({ kind: z.string(), configured: z.literal(true), hint: z.string() });

export function connectionRoutes(deps: AppDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.addHook('preHandler', requireTenant(deps.store.db));

    app.put(
      '/api/v1/connections/meta',
      {
        schema: {
          summary: 'Connect the Meta pixel (dataset) and its Conversions API token',
          tags: ['connections'],
          security: secretKeyAuth,
          body: metaBody,
          response: { 200: connectionResult, ...errorResponses },
        },
      },
      async (request) => {
        const tenant = tenantOf(request);
        const b = request.body;
        const conn = await upsertConnection(deps.store.db, deps.box, tenant.id, {
          kind: 'meta',
          settings: {
            pixelId: b.pixelId,
            testEventCode: b.testEventCode ?? null,
            graphApiVersion: b.graphApiVersion ?? null,
            sendRefunds: b.sendRefunds ?? false,
          },
          secret: { accessToken: b.accessToken },
          hintOf: b.accessToken,
        });
        return { kind: conn.kind, configured: true as const, hint: conn.secret_hint };
      },
    );

    for (const gateway of ['hotmart', 'kiwify', 'stripe'] as const) {
      app.put(
        `/api/v1/connections/${gateway}`,
        {
          schema: {
            summary: `Connect ${gateway} webhooks`,
            tags: ['connections'],
            security: secretKeyAuth,
            body: gatewayBodies[gateway],
            response: { 200: connectionResult.extend({ webhookUrl: z.string() }), ...errorResponses },
          },
        },
        async (request) => {
          const tenant = tenantOf(request);
          const body = request.body as Record<string, string | string[]>;
          const secret =
            gateway === 'stripe'
              ? { webhookSecrets: ([] as string[]).concat(body.webhookSecret as string | string[]) }
              : gateway === 'hotmart'
                ? { hottok: body.hottok }
                : { token: body.token };
          const hintOf = ([] as string[]).concat(Object.values(body)[0] as string | string[]).at(-1) ?? '';
          const conn = await upsertConnection(deps.store.db, deps.box, tenant.id, { kind: gateway, settings: {}, secret, hintOf });
          return {
            kind: conn.kind,
            configured: true as const,
            hint: conn.secret_hint,
            webhookUrl: `${publicBaseUrl(deps.config, request)}/api/v1/webhooks/${gateway}?tenant=${tenant.id}`,
          };
        },
      );
    }
  };
}
