// Makes refused browser origins visible to the seller without costing the ingest path a database write:
// a refusal is counted in memory, and the counts go to the store in one batch every `flushEveryMs` (and
// when the app closes). The first refusal of an origin in a period is logged at warn, naming the tenant,
// the origin and the fix.
//
// What is counted where:
//  - a request (the pixel's text/plain POST, which needs no preflight) carries the public key, so its
//    refusal belongs to a tenant: counted per (tenant, origin), stored, listed to the seller, logged;
//  - a CORS preflight carries no key, so its refusal (an origin no tenant's funnel lists) belongs to no
//    one: it is logged (without a tenant) and counted in the hub_cors_refused_total metric only.
//
// Everything here is bounded, because origins are whatever a caller sends: each origin is cut to 200
// characters with anything outside printable ASCII replaced; per flush a tenant keeps at most
// `maxOriginsPerTenant` origins (space-saving: a newcomer replaces the least counted, inheriting its
// count as an error bound, so an origin refused often stays however many random ones arrive); at most
// `maxTenants` tenants wait for a flush; and per period each tenant logs at most `maxWarningsPerTenant`
// origins, then one line saying the rest are not logged.
import type { Logger } from '../../../lib/logger.ts';
import { translate, type Locale } from '../../../i18n/index.ts';
import type { RefusedOriginCount } from '../../../store/refused-origins.ts';

export const MAX_ORIGIN_LENGTH = 200;

export interface RefusedOriginRecorderOptions {
  /** Adds counts to the store (addRefusedOriginCounts). */
  write: (counts: RefusedOriginCount[]) => Promise<void>;
  logger?: Logger;
  /** The language of the warn lines (HUB_LOCALE): the seller reads them. */
  locale: Locale;
  now?: () => number;
  flushEveryMs?: number;
  warnEveryMs?: number;
  maxOriginsPerTenant?: number;
  maxTenants?: number;
  maxWarningsPerTenant?: number;
}

export interface RefusedOriginRecorder {
  /** A request with this tenant's key came from an origin none of its funnels lists. */
  refused(tenant: { tenantId: string; funnels: ReadonlyArray<{ slug: string }> }, origin: string): void;
  /** A preflight came from an origin no tenant's funnel lists. */
  refusedPreflight(origin: string): void;
  /** Writes the counts gathered so far (one batch). Never throws: a failed write is logged and dropped. */
  flush(): Promise<void>;
  /** Stops the timer and flushes what is left. */
  close(): Promise<void>;
}

interface Tally {
  count: number;
  /** Over-count inherited on entry (space-saving); `count - error` refusals were really seen. */
  error: number;
  firstSeenAt: number;
  lastSeenAt: number;
}

interface WarnState {
  origins: Set<string>;
  silenced: boolean;
}

/** The origin as stored and logged: at most 200 characters, printable ASCII only. */
export function cleanOrigin(origin: string): string {
  return origin.slice(0, MAX_ORIGIN_LENGTH).replace(/[^\x20-\x7e]/g, '?');
}

export function createRefusedOriginRecorder(options: RefusedOriginRecorderOptions): RefusedOriginRecorder {
  const now = options.now ?? Date.now;
  const warnEvery = options.warnEveryMs ?? 10 * 60_000;
  const maxOrigins = options.maxOriginsPerTenant ?? 20;
  const maxTenants = options.maxTenants ?? 1_000;
  const maxWarnings = options.maxWarningsPerTenant ?? 10;
  const minutes = Math.max(1, Math.round(warnEvery / 60_000));

  let pending = new Map<string, Map<string, Tally>>();
  let warned = new Map<string, WarnState>();
  let warnPeriodStart = now();
  let flushing: Promise<void> = Promise.resolve();

  function count(tenantId: string, origin: string, at: number): void {
    let tallies = pending.get(tenantId);
    if (!tallies) {
      if (pending.size >= maxTenants) return;
      tallies = new Map();
      pending.set(tenantId, tallies);
    }
    const tally = tallies.get(origin);
    if (tally) {
      tally.count++;
      tally.lastSeenAt = at;
      return;
    }
    if (tallies.size < maxOrigins) {
      tallies.set(origin, { count: 1, error: 0, firstSeenAt: at, lastSeenAt: at });
      return;
    }
    // Full: the least counted origin makes room (a scan of at most maxOrigins entries).
    let least: [string, Tally] | undefined;
    for (const entry of tallies) if (!least || entry[1].count < least[1].count) least = entry;
    tallies.delete(least![0]);
    const inherited = least![1].count;
    tallies.set(origin, { count: inherited + 1, error: inherited, firstSeenAt: at, lastSeenAt: at });
  }

  /** True when this (tenant, origin) should be logged now; logs the "no more" line itself. */
  function shouldWarn(key: string, origin: string, at: number, silencedLine: () => void): boolean {
    if (at - warnPeriodStart >= warnEvery) {
      warned = new Map();
      warnPeriodStart = at;
    }
    let state = warned.get(key);
    if (!state) {
      if (warned.size >= maxTenants) return false;
      state = { origins: new Set(), silenced: false };
      warned.set(key, state);
    }
    if (state.silenced || state.origins.has(origin)) return false;
    if (state.origins.size >= maxWarnings) {
      state.silenced = true;
      silencedLine();
      return false;
    }
    state.origins.add(origin);
    return true;
  }

  const say = (key: Parameters<typeof translate>[1], params: Record<string, string | number>) => translate(options.locale, key, params);

  async function writePending(): Promise<void> {
    if (pending.size === 0) return;
    const batch = pending;
    pending = new Map();
    const counts: RefusedOriginCount[] = [];
    for (const [tenantId, tallies] of batch) {
      for (const [origin, t] of tallies) {
        counts.push({ tenantId, origin, count: t.count - t.error, firstSeenAt: new Date(t.firstSeenAt), lastSeenAt: new Date(t.lastSeenAt) });
      }
    }
    try {
      await options.write(counts);
    } catch (err) {
      // The counts are a diagnosis, not data: a failed write is not retried (a tenant that no longer
      // exists would fail every time); the warn lines were already logged.
      options.logger?.warn({ err, origins: counts.length }, 'refused origin counts not stored');
    }
  }

  const timer = setInterval(() => void recorder.flush(), options.flushEveryMs ?? 30_000);
  timer.unref();

  const recorder: RefusedOriginRecorder = {
    refused(tenant, rawOrigin) {
      const origin = cleanOrigin(rawOrigin);
      const at = now();
      count(tenant.tenantId, origin, at);
      const warn = shouldWarn(tenant.tenantId, origin, at, () =>
        options.logger?.warn(
          { tenantId: tenant.tenantId, limit: maxWarnings },
          say('tracking.refusedOriginsSilenced', { tenantId: tenant.tenantId, limit: maxWarnings, minutes }),
        ),
      );
      if (!warn) return;
      const slug = tenant.funnels[0]?.slug;
      options.logger?.warn(
        { tenantId: tenant.tenantId, origin, funnels: tenant.funnels.map((f) => f.slug) },
        slug
          ? say('tracking.originRefusedLog', { tenantId: tenant.tenantId, origin, slug, minutes })
          : say('tracking.originRefusedNoFunnelLog', { tenantId: tenant.tenantId, origin, minutes }),
      );
    },
    refusedPreflight(rawOrigin) {
      const origin = cleanOrigin(rawOrigin);
      const warn = shouldWarn('', origin, now(), () =>
        options.logger?.warn({ limit: maxWarnings }, say('tracking.refusedPreflightsSilenced', { limit: maxWarnings, minutes })),
      );
      if (warn) options.logger?.warn({ origin }, say('tracking.preflightRefusedLog', { origin, minutes }));
    },
    flush() {
      // One write at a time: a flush waits for the one in progress, then writes what came since.
      flushing = flushing.then(writePending);
      return flushing;
    },
    async close() {
      clearInterval(timer);
      await recorder.flush();
    },
  };
  return recorder;
}
