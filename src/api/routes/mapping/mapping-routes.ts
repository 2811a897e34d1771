// GET|PUT /api/v1/mapping: the conversion mapping (src/operations/mapping, docs/conversions.md).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppDeps } from '../../deps.ts';
import { requireTenant, tenantOf } from '../../plugins/auth.ts';
import { jsonResponse, problemResponse, problemResponses, secretKeyAuth } from '../../schemas.ts';
import { valueOf } from '../../operation-problem.ts';
import { getMappingOperation, putMappingOperation } from '../../../operations/mapping/mapping-operations.ts';
import { DEFAULT_MAPPING, MAPPING_KINDS, VALUE_RULES } from '../../../domain/mapping/index.ts';

const rule = z
  .object({
    event: z
      .string()
      .nullable()
      .meta({ description: "Meta's event name (a standard event such as Purchase, or a custom name), or null: not sent", examples: ['Purchase'] }),
    value: z.enum(VALUE_RULES).meta({ description: 'paid: what the buyer paid; net: what the seller keeps, where the gateway states it; none: no value' }),
  })
  .meta({ description: 'What one kind of conversion becomes at the destination' });

const destinationMapping = z
  .object(Object.fromEntries(MAPPING_KINDS.map((k) => [k, rule])) as Record<(typeof MAPPING_KINDS)[number], typeof rule>)
  .meta({ description: 'One rule per kind: purchase, subscription_started, subscription_renewed, pending_payment, abandoned_cart, refund, chargeback, cancellation, subscription_canceled, subscription_past_due, lead, initiate_checkout, pageview' });

const mappingView = z
  .object({ meta: destinationMapping.meta({ description: 'The Meta Conversions API destination' }) })
  .meta({ description: 'The conversion mapping in force, per destination and kind', examples: [DEFAULT_MAPPING] });

export function mappingRoutes(deps: AppDeps): FastifyPluginAsyncZod {
  return async (app) => {
    const auth = requireTenant(deps.store.db);
    app.get(
      '/api/v1/mapping',
      {
        preHandler: auth,
        schema: {
          summary: 'Read the conversion mapping',
          tags: ['tenants'],
          security: secretKeyAuth,
          response: { 200: jsonResponse('The mapping in force (defaults for kinds never set)', mappingView), ...problemResponses(401) },
        },
      },
      async (request) => valueOf(await getMappingOperation(deps, tenantOf(request).id)),
    );
    app.put(
      '/api/v1/mapping',
      {
        preHandler: auth,
        schema: {
          summary: 'Set the conversion mapping (kinds left out take their defaults)',
          description:
            'Applies to conversions matched from now on. `hub replay` applies it to past conversions that Meta still accepts (7 days); ' +
            'an event Meta already accepted is never sent again under another name.',
          tags: ['tenants'],
          security: secretKeyAuth,
          // Checked by the operation, which names each wrong field (unknown kind, event name Meta refuses, value the gateway cannot give).
          body: z
            .record(z.string(), z.unknown())
            .meta({
              description: 'Per destination, the kinds to set',
              examples: [{ meta: { subscription_renewed: { event: 'Purchase', value: 'paid' }, refund: { event: 'Refund', value: 'paid' } } }],
            }),
          response: {
            200: jsonResponse('The mapping now in force', mappingView),
            400: problemResponse(400, 'The mapping is not valid: `errors` name each wrong field'),
            ...problemResponses(401),
          },
        },
      },
      async (request) => valueOf(await putMappingOperation(deps, tenantOf(request).id, request.body)),
    );
  };
}
