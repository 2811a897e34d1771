// GET /api/v1/reconciliation: per gateway and hour or day, the paid sales received and what became of
// them at Meta. The operation (src/operations/reconciliation/reconcile.ts) validates and computes.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppDeps } from '../../deps.ts';
import { requireTenant, tenantOf } from '../../plugins/auth.ts';
import { jsonResponse, problemResponse, problemResponses, secretKeyAuth } from '../../schemas.ts';
import { valueOf } from '../../operation-problem.ts';
import { reconcileOperation, reconcileQuery } from '../../../operations/reconciliation/reconcile.ts';
import { reconciliationReport } from './reconciliation-schemas.ts';

export function reconciliationRoutes(deps: AppDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/api/v1/reconciliation',
      {
        preHandler: requireTenant(deps.store.db),
        schema: {
          summary: 'Reconcile the sales received with the events Meta accepted',
          description:
            'Per gateway and hour or day: paid sales received (count, value), accepted by Meta, not sent and why, still waiting, failed; ' +
            'how many were matched to a click; and the share of accepted events carrying each identifier (em, ph, fbc, fbp, IP, user agent). ' +
            'Computed from the stored sales, matches and CAPI events on every call, never from counters. Sales count in the period they happened ' +
            '(the gateway\'s time), cut in `timezone`. The same table in a terminal: `npx hub reconcile --tenant ten_… --from … --to …`.',
          tags: ['operations'],
          security: secretKeyAuth,
          querystring: reconcileQuery,
          response: {
            200: jsonResponse('The reconciliation of the range', reconciliationReport),
            400: problemResponse(400, "Invalid range, granularity or time zone: the problem's `errors` name the field", {
              detail: 'By hour, a reconciliation covers at most 31 days; this range has 59 days. Ask by day, or split the range.',
              errors: [{ path: 'to', message: 'at most 31 days after from by hour (this range has 59 days)' }],
            }),
            ...problemResponses(401),
          },
        },
      },
      async (request) => valueOf(await reconcileOperation(deps, tenantOf(request).id, request.query)),
    );
  };
}
