// POST /api/v1/track/{click,pageview,initiate_checkout,lead}: the pixel's and server-side callers' events.
// Per request: key (public, or the secret key of a server) → origin check (CORS) → rate limits (one
// address to this tenant, then the tenant as a whole) → schema → enrich → durable write (event + ingest
// job, group-committed) → 202. Nothing slow happens before the answer: tenants and their limits come
// from memory. A refused origin is counted in memory and logged once per period (refused-origin-recorder.ts).
//
// Rate limits (issue 15, finding 1; docs/operations.md, "Tracking rate limits"): an abusive address is
// refused on its own, without touching the tenant's other visitors; the tenant ceiling is sized for a
// launch and only stops floods from many addresses. A key the process does not know costs a database
// read, so one address may present few of those. Server calls with the secret key count only against
// the ceiling (a seller's backend sends everything from one address).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fastifyCors from '@fastify/cors';
import fastifyRateLimit, { normalizeIP, type CreateRateLimitOptions } from '@fastify/rate-limit';
import { Redis } from 'ioredis';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppDeps } from '../../deps.ts';
import { problems } from '../../problem.ts';
import { jsonResponse, problemResponse, problemResponses } from '../../schemas.ts';
import { newId } from '../../../lib/ids.ts';
import { findEvent } from '../../../store/events.ts';
import { findTrackingTenantBySecretKeyHash, type TrackingTenant } from '../../../store/tracking.ts';
import {
  SessionMemoryCache,
  TRACKING_EVENT_TYPES,
  buildTrackingEvent,
  defaultTrackingRateLimits,
  parseTrackingPayload,
  type IdentityAuthority,
  type TrackingPayload,
} from '../../../domain/tracking/index.ts';
import { hashSecretKey, looksLikeSecretKey } from '../../../domain/tenancy/api-keys.ts';
import { isPublicKeyShape } from '../../param-schemas.ts';
import { bearerToken } from '../../plugins/auth.ts';
import { createFunnelOriginSet, createTrackingTenantCache, funnelOfOrigin } from './tracking-access.ts';
import { trackAccepted, trackBodies } from './tracking-schemas.ts';
import { createRefusedOriginRecorder } from './refused-origin-recorder.ts';
import { addRefusedOriginCounts } from '../../../store/refused-origins.ts';
import { requestTraceparent } from '../../plugins/request-tracing.ts';

declare module 'fastify' {
  interface FastifyRequest {
    trackingTenant: TrackingTenant | null;
    /** Which key authenticated the call: only the secret key vouches for the e-mail and phone it carries. */
    trackingAuthority: IdentityAuthority;
  }
}

const MAX_USER_AGENT = 1024;
const SUMMARIES = {
  click: 'Track an ad click',
  pageview: 'Track a page view',
  initiate_checkout: 'Track a visitor heading to a checkout',
  lead: 'Track a lead',
} as const satisfies Record<(typeof TRACKING_EVENT_TYPES)[number], string>;
const COMMON_DESCRIPTION =
  "Sent by the pixel as text/plain JSON (no CORS preflight), or by a server with the key in the body or X-Hub-Public-Key. Answers once the event is stored; browsers may call only from an origin of one of the tenant's funnels. A server that attaches the buyer's e-mail or phone with authority sends `Authorization: Bearer hub_sk_…` (the public key is then optional, and must be the same tenant's): only those identities are verified and can outrank the pixel's (docs/matching.md). Limits per minute: one address to one tenant, and the tenant's total (429 with Retry-After; the tenant's settings `rateLimits`).";
const DESCRIPTIONS: Record<(typeof TRACKING_EVENT_TYPES)[number], string> = {
  click: COMMON_DESCRIPTION,
  pageview: COMMON_DESCRIPTION,
  initiate_checkout: COMMON_DESCRIPTION,
  lead:
    "A launch page or form captured someone: `user` is required, with an e-mail or phone the hub can use (400 naming `user` otherwise). The pixel sends it with hub('lead', {email, phone}). The hashed e-mail and phone are remembered for matching a later purchase by identity, and the lead is sent to Meta as the conversion mapping says (Lead by default), with `eventId` as its event_id. " +
    COMMON_DESCRIPTION,
};
const ALLOWED_HEADERS = ['content-type', 'x-hub-public-key', 'x-request-id'];

export function trackingRoutes(deps: AppDeps) {
  const tenants = createTrackingTenantCache(deps.store.db);
  // By the key's SHA-256, as api_keys stores it: no secret key is kept in memory longer than a request.
  const tenantsBySecretKey = createTrackingTenantCache(deps.store.db, { read: (hash) => findTrackingTenantBySecretKeyHash(deps.store.db, hash) });
  const limits = defaultTrackingRateLimits(deps.config.rateLimitPerMinute);
  const origins = createFunnelOriginSet(deps.store.db);
  const sessions = new SessionMemoryCache();
  const clock = deps.clock ?? (() => new Date());

  return async (app: FastifyInstance) => {
    const refusedOrigins = createRefusedOriginRecorder({
      write: (counts) => addRefusedOriginCounts(deps.store.db, counts),
      logger: deps.logger,
      locale: deps.config.locale,
      now: () => clock().getTime(),
    });
    // Before the store closes (src/cli/serve.ts closes the app first): the last counts are written.
    app.addHook('onClose', async () => {
      await refusedOrigins.close();
    });
    await app.register(
      async (scope) => {
        scope.decorateRequest('trackingTenant', null);
        scope.decorateRequest('trackingAuthority', 'public_key');
        // With HUB_REDIS_URL the counts are shared by every API process; if Redis fails, requests pass
        // (skipOnError): losing events is worse than a limit briefly not enforced.
        const redis = deps.config.redisUrl ? new Redis(deps.config.redisUrl, { maxRetriesPerRequest: 1, connectTimeout: 1_000 }) : undefined;
        if (redis) {
          redis.on('error', (err) => scope.log.warn({ err }, 'rate-limit Redis unavailable'));
          scope.addHook('onClose', async () => {
            await redis.quit().catch(() => redis.disconnect());
          });
        }
        await scope.register(fastifyRateLimit, {
          global: false,
          max: limits.perIpPerMinute,
          timeWindow: 60_000,
          ...(redis ? { redis, nameSpace: 'hub:track-rate:', skipOnError: true } : {}),
        });
        // Each limiter keeps its own in-process LRU of counters (the keys least recently seen are
        // forgotten first, so a busy abuser is never); @fastify/rate-limit reads its size from `cache`.
        const sized = (options: CreateRateLimitOptions, cache: number) => ({ ...options, cache }) as CreateRateLimitOptions;
        const limitAddress = scope.createRateLimit(
          sized(
            {
              keyGenerator: (req) => `a:${req.trackingTenant!.tenantId}:${addressOf(req)}`,
              max: (req) => req.trackingTenant?.rateLimits.perIpPerMinute ?? limits.perIpPerMinute,
            },
            20_000,
          ),
        );
        const limitTenant = scope.createRateLimit(
          sized(
            {
              keyGenerator: (req) => `t:${req.trackingTenant!.tenantId}`,
              max: (req) => req.trackingTenant?.rateLimits.tenantPerMinute ?? limits.tenantPerMinute,
            },
            10_000,
          ),
        );
        const limitKeyLookups = scope.createRateLimit(sized({ keyGenerator: (req) => `k:${addressOf(req)}` }, 10_000));
        const enforce = async (limit: typeof limitAddress, request: FastifyRequest) => {
          const state = await limit(request);
          if (!state.isAllowed && state.isExceeded) throw problems.rateLimited(Math.max(1, state.ttlInSeconds));
        };
        /** The tenant of a key; a key memory does not hold costs a read, so it counts against the address. */
        const lookUpTenant = async (cache: typeof tenants, key: string, request: FastifyRequest) => {
          if (!cache.knows(key)) await enforce(limitKeyLookups, request);
          return cache.get(key);
        };

        // The key is in the body (or a header), so authentication waits for the body to be parsed.
        scope.addHook('preValidation', async (request) => {
          if (request.method === 'OPTIONS') return;
          const key = publicKeyOf(request);
          const secretKey = bearerToken(request);
          if (secretKey !== undefined) {
            if (!looksLikeSecretKey(secretKey)) throw problems.unauthorized('problem.sendSecretKey');
            const tenant = await lookUpTenant(tenantsBySecretKey, hashSecretKey(secretKey), request);
            if (!tenant) throw problems.unauthorized('problem.unknownKey');
            if (key !== undefined && (!isPublicKeyShaped(key) || (await lookUpTenant(tenants, key, request))?.tenantId !== tenant.tenantId)) {
              throw problems.unauthorized('tracking.keysOfAnotherTenant');
            }
            request.trackingTenant = tenant;
            request.trackingAuthority = 'secret_key';
            return;
          }
          if (!key) throw problems.unauthorized('problem.sendPublicKey');
          const tenant = isPublicKeyShaped(key) ? await lookUpTenant(tenants, key, request) : undefined;
          if (!tenant) throw problems.unauthorized('problem.unknownPublicKey');
          request.trackingTenant = tenant;
        });

        // Browsers may call only from a funnel origin. A preflight carries no key, so it is allowed for a
        // funnel origin of any tenant; the request itself must come from one of its own tenant's funnels.
        await scope.register(fastifyCors, {
          hook: 'preValidation',
          delegator: async (request: FastifyRequest) => {
            const origin = request.headers.origin;
            const base = { methods: ['POST'], allowedHeaders: ALLOWED_HEADERS, exposedHeaders: ['x-request-id'], maxAge: 7200 };
            if (request.method === 'OPTIONS') {
              if (origin && (await origins.has(origin))) return { ...base, origin };
              deps.metrics.corsRefused.inc();
              if (origin !== undefined) refusedOrigins.refusedPreflight(origin);
              return { origin: false };
            }
            if (origin === undefined) return { origin: false }; // a server-side caller: no CORS involved
            const tenant = request.trackingTenant;
            const mayRefresh = tenant && request.trackingAuthority === 'public_key';
            if (tenant && (allows(tenant, origin) || (mayRefresh && allows((await tenants.refresh(publicKeyOf(request) ?? '')) ?? tenant, origin)))) {
              return { ...base, origin };
            }
            deps.metrics.corsRefused.inc();
            if (tenant) refusedOrigins.refused(tenant, origin);
            throw problems.forbidden('problem.originRefused', { origin: origin.slice(0, 200) });
          },
        });

        // After the origin check (a refused origin costs nothing more), before the body is validated.
        // The address limit first: what it refuses never counts against the tenant's ceiling.
        scope.addHook('preValidation', async (request) => {
          if (request.method === 'OPTIONS') return;
          if (request.trackingAuthority === 'public_key') await enforce(limitAddress, request);
          await enforce(limitTenant, request);
        });

        const routes = scope.withTypeProvider<ZodTypeProvider>();
        for (const type of TRACKING_EVENT_TYPES) {
          routes.post(
            `/${type}`,
            {
              schema: {
                summary: SUMMARIES[type],
                description: DESCRIPTIONS[type],
                tags: ['tracking'],
                security: [{ publicKey: [] }, { secretKey: [] }],
                body: trackBodies[type],
                response: {
                  202: jsonResponse('Stored and queued for matching: the ids to keep, and how to decorate checkout links', trackAccepted),
                  ...problemResponses(400, 413, 429),
                  401: problemResponse(401, 'Missing or unknown public key, an unknown secret key, or keys of two tenants', { detail: 'Unknown public key.' }),
                  403: problemResponse(403, "A browser origin that is not in one of the tenant's funnels (counted and listed under refusedOrigins in GET /api/v1/tenant)"),
                },
              },
            },
            async (request, reply) => {
              const tenant = request.trackingTenant!;
              const origin = request.headers.origin ?? (request.body.url ? new URL(request.body.url).origin : null);
              const userAgent = request.headers['user-agent']?.slice(0, MAX_USER_AGENT) ?? null;
              const funnel = funnelOfOrigin(tenant, origin);
              const built = buildTrackingEvent(request.body, {
                type,
                tenantId: tenant.tenantId,
                authority: request.trackingAuthority,
                now: clock(),
                userAgent,
                funnelSlug: funnel?.slug ?? null,
                sessions,
                newId,
              });
              const written = await deps.ingest.write({
                enqueue: true,
                trace: requestTraceparent(request),
                event: {
                  id: built.id,
                  tenant_id: tenant.tenantId,
                  type,
                  gateway: null,
                  delivery_key: built.deliveryKey,
                  occurred_at: built.occurredAt,
                  flags: built.flags,
                  payload: JSON.stringify(built.payload),
                  // Never the raw body: it may hold the buyer's e-mail and phone.
                  raw_body: null,
                  raw_headers: null,
                  evidence_ref: null,
                  client_ip: request.ip,
                  user_agent: userAgent,
                  error: null,
                },
              });
              deps.metrics.ingested.inc({ type, outcome: written.duplicate ? 'duplicate' : 'accepted' });
              // A retried beacon gets the ids of the first delivery.
              const payload = written.duplicate ? await storedPayload(deps, tenant.tenantId, written.id) : built.payload;
              return reply.code(202).send(acceptedBody(written.id, payload, funnel?.checkoutHosts ?? []));
            },
          );
        }
      },
      { prefix: '/api/v1/track' },
    );
  };
}

function publicKeyOf(request: FastifyRequest): string | undefined {
  const body = request.body as { publicKey?: unknown } | null | undefined;
  if (body && typeof body === 'object' && typeof body.publicKey === 'string' && body.publicKey) return body.publicKey;
  const header = request.headers['x-hub-public-key'];
  return typeof header === 'string' && header ? header : undefined;
}

function isPublicKeyShaped(key: string): boolean {
  return isPublicKeyShape(key);
}

/** The client's address as rate limits count it: an IPv6 /64 (one customer's network) is one address. */
function addressOf(request: FastifyRequest): string {
  return request.ip.includes(':') ? normalizeIP(request.ip) : request.ip;
}

function allows(tenant: TrackingTenant, origin: string): boolean {
  return tenant.funnels.some((f) => f.origins.includes(origin));
}

async function storedPayload(deps: AppDeps, tenantId: string, id: string): Promise<TrackingPayload> {
  const row = await findEvent(deps.store.db, tenantId, id);
  if (!row) throw new Error(`duplicate event ${id} not found`);
  return parseTrackingPayload(row.payload);
}

/**
 * The funnel's checkout hosts ride on every answer, so the funnel settings are the one source of truth
 * for which links the pixel decorates (its data-checkout-hosts attribute only adds hosts). Chosen over
 * a config request (one more request per page load, and a second cache to keep fresh) and over a tag
 * rendered by the hub (every tag on every page would have to change with the funnel): the answer
 * already reaches the pixel on every page load, carries the parameters the links need anyway, and the
 * funnel comes from the same origin match and tenant cache as the event's own funnelSlug.
 */
function acceptedBody(id: string, p: TrackingPayload, checkoutHosts: string[]) {
  return {
    id,
    eventId: p.eventId,
    visitorId: p.visitorId,
    sessionId: p.sessionId,
    fbc: p.fbc,
    decorate: { sck: p.sessionId, client_reference_id: p.sessionId },
    checkoutHosts,
  };
}
