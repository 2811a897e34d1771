// PUT /api/v1/funnels/{slug}: the origins allowed to call the tracking API and the checkout hosts the
// pixel decorates. The operation (src/operations/funnels/save-funnel.ts) validates and saves; its
// schemas describe the route.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppDeps } from '../../deps.ts';
import { requireTenant, tenantOf } from '../../plugins/auth.ts';
import { jsonResponse, problemResponse, problemResponses, secretKeyAuth } from '../../schemas.ts';
import { publicBaseUrl } from '../../public-url.ts';
import { valueOf } from '../../operation-problem.ts';
import { funnelSlugSchema, saveFunnelBody, saveFunnelOperation, savedFunnelSchema } from '../../../operations/funnels/save-funnel.ts';

export function funnelRoutes(deps: AppDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.put(
      '/api/v1/funnels/:slug',
      {
        preHandler: requireTenant(deps.store.db),
        schema: {
          summary: 'Create or replace a funnel',
          description:
            'Sets which landing-page origins may send tracking events with your public key, and which checkout hosts the pixel decorates (they reach the pixel with every tracking answer). Answers the pixel tag to paste on those pages.',
          tags: ['funnels'],
          security: secretKeyAuth,
          params: z.object({ slug: funnelSlugSchema }),
          body: saveFunnelBody,
          response: {
            200: jsonResponse('The funnel as saved, with the pixel tag for its pages', savedFunnelSchema),
            ...problemResponses(401, 413, 415),
            400: problemResponse(400, "Invalid funnel: the problem's `errors` name the fields", {
              detail: 'The request does not match the schema.',
              errors: [{ path: 'origins.0', message: 'expected an origin like https://lp.example.com' }],
            }),
          },
        },
      },
      async (request) => {
        const tenant = tenantOf(request);
        const baseUrl = publicBaseUrl(deps.config, request);
        return valueOf(await saveFunnelOperation({ ...deps, baseUrl }, tenant.id, { ...request.body, slug: request.params.slug }));
      },
    );
  };
}
