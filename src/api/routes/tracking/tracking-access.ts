// Who may call the tracking API, answered from memory on the hot path: the tenant of a public key (with
// its funnels' origins), and the set of every tenant's funnel origins (for CORS preflights, which carry
// no key). Both are read from the database at most every few seconds; a miss (an origin or key not seen
// yet) re-reads sooner, so a funnel or tenant just created works within a second, and a removed origin
// stops working within the TTL.
import type { Db } from '../../../store/connect.ts';
import { findTrackingTenant, listAllFunnelOrigins, type TrackingTenant } from '../../../store/tracking.ts';

export interface AccessOptions {
  ttlMs?: number;
  /** How soon a miss may trigger another read. */
  missRefreshMs?: number;
  maxKeys?: number;
  now?: () => number;
}

export interface TrackingTenantCache {
  get(publicKey: string): Promise<TrackingTenant | undefined>;
  /** Re-reads a key whose cached entry is older than the miss interval (e.g. its origins lack one). */
  refresh(publicKey: string): Promise<TrackingTenant | undefined>;
}

interface Entry {
  value: TrackingTenant | undefined;
  at: number;
  pending?: Promise<TrackingTenant | undefined>;
}

export function createTrackingTenantCache(db: Db, options: AccessOptions = {}): TrackingTenantCache {
  const ttl = options.ttlMs ?? 5_000;
  const missRefresh = options.missRefreshMs ?? 1_000;
  const maxKeys = options.maxKeys ?? 10_000;
  const now = options.now ?? Date.now;
  const entries = new Map<string, Entry>();

  function load(publicKey: string): Promise<TrackingTenant | undefined> {
    const existing = entries.get(publicKey);
    if (existing?.pending) return existing.pending;
    // One read per key at a time, however many requests wait for it.
    const pending = findTrackingTenant(db, publicKey).then(
      (value) => {
        entries.delete(publicKey);
        entries.set(publicKey, { value, at: now() });
        if (entries.size > maxKeys) {
          const oldest = entries.keys().next();
          if (!oldest.done) entries.delete(oldest.value);
        }
        return value;
      },
      (err: unknown) => {
        if (existing) entries.set(publicKey, { value: existing.value, at: existing.at });
        else entries.delete(publicKey);
        throw err;
      },
    );
    entries.set(publicKey, { value: existing?.value, at: existing?.at ?? 0, pending });
    return pending;
  }

  return {
    async get(publicKey) {
      const entry = entries.get(publicKey);
      if (entry && !entry.pending && now() - entry.at < (entry.value ? ttl : missRefresh)) return entry.value;
      return load(publicKey);
    },
    async refresh(publicKey) {
      const entry = entries.get(publicKey);
      if (entry && !entry.pending && now() - entry.at < missRefresh) return entry.value;
      return load(publicKey);
    },
  };
}

export interface FunnelOriginSet {
  has(origin: string): Promise<boolean>;
}

export function createFunnelOriginSet(db: Db, options: AccessOptions = {}): FunnelOriginSet {
  const ttl = options.ttlMs ?? 5_000;
  const missRefresh = options.missRefreshMs ?? 1_000;
  const now = options.now ?? Date.now;
  let origins = new Set<string>();
  let at = -Infinity;
  let pending: Promise<void> | undefined;

  function load(): Promise<void> {
    pending ??= listAllFunnelOrigins(db)
      .then((list) => {
        origins = new Set(list);
        at = now();
      })
      .finally(() => {
        pending = undefined;
      });
    return pending;
  }

  return {
    async has(origin) {
      const age = now() - at;
      if (age >= ttl || (!origins.has(origin) && age >= missRefresh)) await load();
      return origins.has(origin);
    },
  };
}

/** The funnel an origin belongs to, if any. */
export function funnelOfOrigin(tenant: TrackingTenant, origin: string | null): string | null {
  if (!origin) return null;
  return tenant.funnels.find((f) => f.origins.includes(origin))?.slug ?? null;
}
