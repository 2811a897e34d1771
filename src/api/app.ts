// buildApp(deps): the whole HTTP API as a Fastify instance. Tests drive it with inject();
// src/bin adds the listener and graceful close.
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyPluginAsync } from 'fastify';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import { serializerCompiler, validatorCompiler, type FastifyPluginAsyncZod, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppDeps } from './deps.ts';
import { registerErrorHandling, sendFrameworkError } from './plugins/error-handler.ts';
import { swaggerOptions } from './openapi-document.ts';
import { registerBodyParsers } from './plugins/body-parsers.ts';
import { registerRequestTracing } from './plugins/request-tracing.ts';
import { newId } from '../lib/ids.ts';
import { healthRoutes } from './routes/health/health-routes.ts';
import { tenantRoutes } from './routes/tenants/tenant-routes.ts';
import { connectionRoutes } from './routes/connections/connection-routes.ts';
import { funnelRoutes } from './routes/funnels/funnel-routes.ts';

export const BODY_LIMIT = 256 * 1024;
/**
 * The listen socket's queue of connections not yet accepted (Linux caps it at net.core.somaxconn).
 * Node's default, 511, overflows when a burst of new connections (browsers with no connection open yet,
 * or a client opening more when the hub pauses for a GC or a slow commit) meets a busy event loop: the
 * kernel drops the SYN and the browser retries after a second. Measured with the ingest bench's steady
 * load (4,000 /track/click a second for 12 s): 600-1,100 listen overflows with 511, none with 4096.
 */
export const LISTEN_BACKLOG = 4096;
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
/**
 * How long a client may take (issue 15: 1,000 sockets trickling a body stayed open for minutes). Whole
 * requests — headers and a body of at most 256 KiB — arrive within seconds from gateways and browsers;
 * a client slower than these is dropped by Node's HTTP server (checked every `checkEveryMs`):
 *  - headersMs: from the connection (or the previous request) to the end of the headers;
 *  - requestMs: to the end of the body;
 *  - idleMs: a socket with nothing sent or received, request or not (the answer being computed included);
 *  - keepAliveMs: an idle keep-alive socket between requests; above the 60 s idle timeout load balancers
 *    commonly use, so the balancer closes first and never sends on a socket the hub is closing.
 * At shutdown the sockets that still owe the hub a request are dropped at once (src/cli/drain-http.ts).
 */
export const CLIENT_TIMEOUTS = { headersMs: 10_000, requestMs: 30_000, idleMs: 60_000, keepAliveMs: 72_000, checkEveryMs: 2_000 };

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger | undefined,
    // Per-request logs cost on the ingest hot path; errors and 5xx are logged by our hooks instead.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT,
    connectionTimeout: CLIENT_TIMEOUTS.idleMs,
    requestTimeout: CLIENT_TIMEOUTS.requestMs,
    keepAliveTimeout: CLIENT_TIMEOUTS.keepAliveMs,
    http: { headersTimeout: CLIENT_TIMEOUTS.headersMs, connectionsCheckingInterval: CLIENT_TIMEOUTS.checkEveryMs },
    // X-Forwarded-For is honoured only from the configured proxies (request.ip, request.protocol).
    trustProxy: deps.config.trustedProxies.length > 0 ? deps.config.trustedProxies : false,
    requestIdHeader: false,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : newId('rpl').replace('rpl_', 'req_');
    },
    routerOptions: { maxParamLength: 200 },
    // A malformed %-escape or an overlong path parameter, refused before any route: problem+json too.
    frameworkErrors: sendFrameworkError,
    // Fastify makes a pino child logger per request by default; with redaction that is a measurable
    // share of the ingest hot path. Requests log rarely (errors), so they share the app's logger and
    // name their request id in the line instead.
    childLoggerFactory: (logger) => logger,
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerRequestTracing(app);
  registerErrorHandling(app, deps.config.locale);
  registerBodyParsers(app);
  app.decorateRequest('tenant', null);

  // Callback hooks, not async ones: these run on every request and need no promise.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    // Every answer, errors included: no browser may guess a type other than the one declared (a stored
    // value echoed in JSON must never be sniffed into HTML or script; issue 15, finding 10).
    reply.header('x-content-type-options', 'nosniff');
    done();
  });
  app.addHook('onResponse', (request, reply, done) => {
    deps.metrics.httpDuration.observe(
      { method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    if (reply.statusCode >= 500) request.log.warn({ req: request, reqId: request.id, status: reply.statusCode }, 'request answered 5xx');
    done();
  });

  await app.register(fastifySwagger, swaggerOptions(deps.config));
  await app.register(fastifySwaggerUi, { routePrefix: '/docs', staticCSP: true });
  app.get('/api/v1/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await app.register(healthRoutes(deps));
  await app.register(tenantRoutes(deps));
  await app.register(connectionRoutes(deps));
  await app.register(funnelRoutes(deps));
  for (const register of extraRoutes) await app.register(register(deps) as FastifyPluginAsyncZod);

  return app as unknown as FastifyInstance;
}

type RouteFactory = (deps: AppDeps) => FastifyPluginAsync | FastifyPluginAsyncZod;
/** Route groups of the later parts (tracking, webhooks, operations) are listed in ./routes/index.ts. */
import { extraRoutes } from './routes/index.ts';
export type { RouteFactory };
