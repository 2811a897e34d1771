// POST /api/v1/tenants (platform admin) and GET /api/v1/tenant (the caller's own tenant).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppDeps } from '../../deps.ts';
import { bearerToken, isAdminToken, requireTenant, tenantOf } from '../../plugins/auth.ts';
import { problems } from '../../problem.ts';
import { errorResponses, secretKeyAuth } from '../../schemas.ts';
import { createTenant } from '../../../store/tenants.ts';
import { listConnections } from '../../../store/connections.ts';
import { listFunnels } from '../../../store/funnels.ts';

const createdTenant = z.object({ id: z.string(), name: z.string(), secretKey: z.string(), publicKey: z.string() });

const tenantView = z.object({
  id: z.string(),
  name: z.string(),
  publicKey: z.string(),
  createdAt: z.string(),
  funnels: z.array(z.object({ slug: z.string(), origins: z.array(z.string()), checkoutHosts: z.array(z.string()) })),
  connections: z.array(
    z.object({
      kind: z.string(),
      configured: z.literal(true),
      hint: z.string(),
      health: z.enum(['healthy', 'unhealthy']),
      healthReason: z.string().nullable(),
      settings: z.record(z.string(), z.unknown()),
      updatedAt: z.string(),
    }),
  ),
});

export function tenantRoutes(deps: AppDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/api/v1/tenants',
      {
        schema: {
          summary: 'Create a tenant (platform admin token)',
          tags: ['tenants'],
          security: [{ adminToken: [] }],
          body: z.object({ name: z.string().trim().min(1).max(200) }),
          response: { 201: createdTenant, ...errorResponses },
        },
      },
      async (request, reply) => {
        const expected = deps.config.adminToken;
        if (!expected) {
          throw problems.forbidden('problem.tenantCreationDisabled');
        }
        if (!isAdminToken(bearerToken(request), expected)) throw problems.unauthorized('problem.sendAdminToken');
        const created = await createTenant(deps.store.db, { name: request.body.name });
        return reply.code(201).send({
          id: created.tenant.id,
          name: created.tenant.name,
          secretKey: created.secretKey,
          publicKey: created.publicKey,
        });
      },
    );

    app.get(
      '/api/v1/tenant',
      {
        preHandler: requireTenant(deps.store.db),
        schema: {
          summary: "The caller's tenant, its funnels and connections (secrets never returned)",
          tags: ['tenants'],
          security: secretKeyAuth,
          response: { 200: tenantView, ...errorResponses },
        },
      },
      async (request) => {
        const tenant = tenantOf(request);
        const [funnels, connections] = await Promise.all([
          listFunnels(deps.store.db, tenant.id),
          listConnections(deps.store.db, tenant.id),
        ]);
        return {
          id: tenant.id,
          name: tenant.name,
          publicKey: tenant.public_key,
          createdAt: tenant.created_at.toISOString(),
          funnels: funnels.map((f) => ({ slug: f.slug, origins: f.origins, checkoutHosts: f.checkout_hosts })),
          connections: connections.map((c) => ({
            kind: c.kind,
            configured: true as const,
            hint: c.secret_hint,
            health: c.health,
            healthReason: c.health_reason,
            settings: c.settings,
            updatedAt: c.updated_at.toISOString(),
          })),
        };
      },
    );
  };
}
