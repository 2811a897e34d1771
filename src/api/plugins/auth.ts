// Who is calling: a tenant's secret key (operators, scripts) or the platform admin token.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { Tenant } from '../../store/database.ts';
import type { Db } from '../../store/connect.ts';
import { findTenantBySecretKey } from '../../store/tenants.ts';
import { looksLikeSecretKey } from '../../domain/tenancy/api-keys.ts';
import { problems } from '../problem.ts';

declare module 'fastify' {
  interface FastifyRequest {
    tenant: Tenant | null;
  }
}

export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

/** preHandler: resolves the tenant from `Authorization: Bearer hub_sk_…` or answers 401. */
export function requireTenant(db: Db) {
  return async (request: FastifyRequest): Promise<void> => {
    const token = bearerToken(request);
    if (!token || !looksLikeSecretKey(token)) throw problems.unauthorized('problem.sendSecretKey');
    const tenant = await findTenantBySecretKey(db, token);
    if (!tenant) throw problems.unauthorized('problem.unknownKey');
    request.tenant = tenant;
  };
}

export function tenantOf(request: FastifyRequest): Tenant {
  if (!request.tenant) throw problems.unauthorized();
  return request.tenant;
}

/** Constant-time comparison of the admin token (digests first, so lengths never leak). */
export function isAdminToken(presented: string | undefined, expected: string): boolean {
  if (!presented) return false;
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}
