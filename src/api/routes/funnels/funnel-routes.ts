// PUT /api/v1/funnels/{slug}: the origins allowed to call the tracking API and the checkout hosts.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppDeps } from '../../deps.ts';
import { requireTenant, tenantOf } from '../../plugins/auth.ts';
import { errorResponses, secretKeyAuth } from '../../schemas.ts';
import { upsertFunnel } from '../../../store/funnels.ts';

const origin = z
  .string()
  .max(300)
  .transform((v, ctx) => {
    try {
      const u = new URL(v);
      if ((u.protocol === 'https:' || u.protocol === 'http:') && (u.pathname === '/' || u.pathname === '') && !u.search) {
        return u.origin;
      }
    } catch {
      // fall through to the issue below
    }
    ctx.addIssue({ code: 'custom', message: 'expected an origin like https://lp.example.com' });
    return z.NEVER;
  });

const host = z
  .string()
  .trim()
  .toLowerCase()
  .max(253)
  .regex(/^(\*\.)?([a-z0-9-]+\.)+[a-z0-9-]+$/, 'expected a host name like pay.hotmart.com');

const funnelBody = z.object({
  origins: z.array(origin).max(50),
  checkoutHosts: z.array(host).max(50).default([]),
});

export function funnelRoutes(deps: AppDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.put(
      '/api/v1/funnels/:slug',
      {
        preHandler: requireTenant(deps.store.db),
        schema: {
          summary: 'Create or replace a funnel',
          tags: ['funnels'],
          security: secretKeyAuth,
          params: z.object({ slug: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'expected a slug of a-z, 0-9 and -') }),
          body: funnelBody,
          response: {
            200: z.object({ slug: z.string(), origins: z.array(z.string()), checkoutHosts: z.array(z.string()) }),
            ...errorResponses,
          },
        },
      },
      async (request) => {
        const tenant = tenantOf(request);
        const f = await upsertFunnel(deps.store.db, tenant.id, request.params.slug, {
          origins: [...new Set(request.body.origins)],
          checkoutHosts: [...new Set(request.body.checkoutHosts)],
        });
        return { slug: f.slug, origins: f.origins, checkoutHosts: f.checkout_hosts };
      },
    );
  };
}
