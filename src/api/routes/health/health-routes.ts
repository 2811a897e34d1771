// /healthz (the process is alive), /readyz (database and queue reachable, not draining). /metrics is not
// here: it shows every tenant's counts, so it is served only on HUB_METRICS_PORT (src/cli/metrics-listener.ts),
// never on the public port.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { sql } from 'kysely';
import { z } from 'zod';
import type { AppDeps } from '../../deps.ts';
import { jsonResponse } from '../../schemas.ts';

const ready = z.object({ status: z.string().meta({ description: 'Always `ready`', examples: ['ready'] }) });
const notReady = z.object({
  status: z.string().meta({ description: '`draining` (shutting down) or `unavailable` (the database or the queue does not answer)', examples: ['unavailable'] }),
  reason: z.string().meta({ description: 'Why, in a few words', examples: ['connect ECONNREFUSED 10.0.3.12:5432'] }),
});

export function healthRoutes(deps: AppDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));

    app.get(
      '/readyz',
      {
        schema: {
          tags: ['health'],
          summary: 'Check the hub is ready to take traffic',
          description: 'For load balancers and orchestrators: 200 when the database and the queue answer, 503 while they do not or while the process shuts down. `GET /healthz` only says the process is alive.',
          response: { 200: jsonResponse('Ready', ready), 503: jsonResponse('Not ready: send traffic elsewhere and ask again', notReady) },
        },
      },
      async (_request, reply) => {
        if (deps.lifecycle?.draining) return reply.code(503).send({ status: 'draining', reason: 'shutting down' });
        try {
          await sql`SELECT 1`.execute(deps.store.db);
          await deps.queue.ping();
          return { status: 'ready' };
        } catch (err) {
          return reply.code(503).send({ status: 'unavailable', reason: (err as Error).message.slice(0, 200) });
        }
      },
    );
  };
}
