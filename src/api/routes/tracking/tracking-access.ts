// Who may call the tracking API, answered from memory on the hot path: the tenant of a public key (with
// its funnels' origins and its rate limits; the same for a secret key's hash, for servers), and the set
// of every tenant's funnel origins (for CORS preflights, which carry no key). Both are read from the
// database at most every few seconds; a miss (an origin or key not seen yet) re-reads sooner, so a
// funnel or tenant just created works within a second, and a removed origin or a changed rate limit
// takes effect within the TTL.
import { LRUCache } from 'lru-cache';
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
  /** True when memory holds this key's tenant (fresh or not): answering it costs no unbounded reads. */
  knows(publicKey: string): boolean;
  get(publicKey: string): Promise<TrackingTenant | undefined>;
  /** Re-reads a key whose cached entry is older than the miss interval (e.g. its origins lack one). */
  refresh(publicKey: string): Promise<TrackingTenant | undefined>;
}

interface Entry {
  /** undefined: no tenant has this key (remembered for the miss interval only). */
  value: TrackingTenant | undefined;
  at: number;
}

export function createTrackingTenantCache(
  db: Db,
  options: AccessOptions & { read?: (publicKey: string) => Promise<TrackingTenant | undefined> } = {},
): TrackingTenantCache {
  const ttl = options.ttlMs ?? 5_000;
  const missRefresh = options.missRefreshMs ?? 1_000;
  const now = options.now ?? Date.now;
  const read = options.read ?? ((publicKey: string) => findTrackingTenant(db, publicKey));
  // Ages are ours (a found key lives longer than a miss); lru-cache bounds the keys and runs one read
  // per key at a time however many requests wait for it. A failed read keeps what was known before.
  const entries = new LRUCache<string, Entry>({
    max: options.maxKeys ?? 10_000,
    noDeleteOnFetchRejection: true,
    fetchMethod: async (publicKey) => ({ value: await read(publicKey), at: now() }),
  });
  const load = async (publicKey: string) => (await entries.fetch(publicKey, { forceRefresh: true }))?.value;

  return {
    knows(publicKey) {
      return entries.peek(publicKey)?.value !== undefined;
    },
    async get(publicKey) {
      const entry = entries.peek(publicKey);
      if (entry && now() - entry.at < (entry.value ? ttl : missRefresh)) return entry.value;
      return load(publicKey);
    },
    async refresh(publicKey) {
      const entry = entries.peek(publicKey);
      if (entry && now() - entry.at < missRefresh) return entry.value;
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

export type TrackingFunnel = TrackingTenant['funnels'][number];

/** The funnel an origin belongs to, if any (the first by slug when several list it). */
export function funnelOfOrigin(tenant: TrackingTenant, origin: string | null): TrackingFunnel | null {
  if (!origin) return null;
  return tenant.funnels.find((f) => f.origins.includes(origin)) ?? null;
}
