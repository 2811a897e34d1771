// How many tracking requests the API takes (issue 15, finding 1). Two limits per tenant, counted per
// minute: one address (an IPv6 /64 counts as one) to one tenant, and the tenant as a whole. The
// per-address limit is what stops an abusive client: it is refused, the tenant's other visitors are
// not. The tenant ceiling only bounds what a flood from many addresses (a leaked public key in a
// botnet) can cost the hub, so its default is sized for a launch — thousands of visitors a minute,
// each sending a few events. Tenants change both in their settings (`rateLimits`, null = the default);
// the matcher-style reader below never fails on a bad stored value, it falls back to the default.
import { z } from 'zod';

/** The tenant ceiling's default: a launch with ~5,000 visitors a minute sending ~6 events each. */
export const DEFAULT_TENANT_TRACKING_PER_MINUTE = 30_000;

/** What a tenant may set (tenant settings validate with these; the reader ignores values outside them). */
export const TRACKING_RATE_LIMIT_BOUNDS = {
  perIpPerMinute: { min: 10, max: 1_000_000 },
  tenantPerMinute: { min: 60, max: 100_000_000 },
} as const;

export interface TrackingRateLimits {
  perIpPerMinute: number;
  tenantPerMinute: number;
}

/** The tenant's own values; null where it set none (the server's default applies). */
export type TenantTrackingRateLimits = { [K in keyof TrackingRateLimits]: number | null };

const bounded = (b: { min: number; max: number }) => z.number().int().min(b.min).max(b.max).nullable().catch(null);
const storedShape = z.object({
  perIpPerMinute: bounded(TRACKING_RATE_LIMIT_BOUNDS.perIpPerMinute).optional(),
  tenantPerMinute: bounded(TRACKING_RATE_LIMIT_BOUNDS.tenantPerMinute).optional(),
});

/** Reads `tenants.settings.rateLimits`; a missing or invalid value is null (the default). */
export function readTenantTrackingRateLimits(tenantSettings: unknown): TenantTrackingRateLimits {
  const root = isRecord(tenantSettings) ? tenantSettings : {};
  const parsed = storedShape.safeParse(isRecord(root.rateLimits) ? root.rateLimits : {});
  const limits = parsed.success ? parsed.data : {};
  return { perIpPerMinute: limits.perIpPerMinute ?? null, tenantPerMinute: limits.tenantPerMinute ?? null };
}

/**
 * The server's defaults. `perAddressPerMinute` is HUB_RATE_LIMIT_PER_MINUTE; the tenant ceiling is never
 * below it (a deployment that raises the per-address limit for a load test raises the ceiling with it).
 */
export function defaultTrackingRateLimits(perAddressPerMinute: number): TrackingRateLimits {
  return { perIpPerMinute: perAddressPerMinute, tenantPerMinute: Math.max(DEFAULT_TENANT_TRACKING_PER_MINUTE, perAddressPerMinute) };
}

/** The limits in force for a tenant: its own values, else the defaults. */
export function effectiveTrackingRateLimits(own: TenantTrackingRateLimits, defaults: TrackingRateLimits): TrackingRateLimits {
  return { perIpPerMinute: own.perIpPerMinute ?? defaults.perIpPerMinute, tenantPerMinute: own.tenantPerMinute ?? defaults.tenantPerMinute };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
