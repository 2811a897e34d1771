// The platform admin token (HUB_ADMIN_TOKEN) on POST /api/v1/tenants, with a limit on guessing it: an
// address that presented a wrong token 10 times in 15 minutes gets 429 (Retry-After: the rest of the
// window) for every admin request until the window ends, the right token included, or the 429 would
// tell a guesser which guess was right. Only failures count, per address (request.ip: X-Forwarded-For
// only from HUB_TRUSTED_PROXIES), so other addresses' failures never slow the admin down. Counts live
// in Redis with HUB_REDIS_URL (shared by every API process), else in this process; if Redis fails,
// the token check still runs, unthrottled (a 16+ character token is not guessed in a few minutes).
import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppDeps } from '../deps.ts';
import { problems } from '../problem.ts';
import { closeRedis, redisFromConfig } from '../../lib/redis.ts';
import { bearerToken, isAdminToken } from './auth.ts';

export const ADMIN_FAILURES_ALLOWED = 10;
export const ADMIN_FAILURE_WINDOW_MS = 15 * 60_000;

/**
 * Registers the failure counter on `scope` (an encapsulated route plugin) and returns the check to
 * run first in an admin route: it throws 403 (creation over HTTP disabled), 429 or 401, or returns.
 */
export async function adminTokenGuard(scope: FastifyInstance, deps: Pick<AppDeps, 'config' | 'logger'>) {
  const redis = redisFromConfig(deps.config, { logger: deps.logger, name: 'hub-admin-failures' });
  if (redis) scope.addHook('onClose', () => closeRedis(redis));
  await scope.register(fastifyRateLimit, {
    global: false,
    max: ADMIN_FAILURES_ALLOWED,
    timeWindow: ADMIN_FAILURE_WINDOW_MS,
    cache: 10_000,
    skipOnError: true,
    ...(redis ? { redis, nameSpace: 'hub:admin-failures:' } : {}),
  });
  const failures = scope.createRateLimit({ keyGenerator: (request) => `ip:${request.ip}` });

  return async function requireAdminToken(request: FastifyRequest): Promise<void> {
    const expected = deps.config.adminToken;
    if (!expected) throw problems.forbidden('problem.tenantCreationDisabled');
    const before = await failures(request, { increment: false });
    if (!before.isAllowed && before.remaining === 0 && before.ttl > 0) throw problems.rateLimited(Math.max(1, before.ttlInSeconds));
    if (isAdminToken(bearerToken(request), expected)) return;
    await failures(request);
    throw problems.unauthorized('problem.sendAdminToken');
  };
}
