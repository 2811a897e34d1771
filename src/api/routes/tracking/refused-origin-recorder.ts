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
// characters with anything outside printable ASCII replaced; the counting is the shared aggregating
// recorder's (src/lib/aggregating-recorder.ts): per flush a tenant keeps at most `maxOriginsPerTenant`
// origins (space-saving, so an origin refused often stays however many random ones arrive) and at most
// `maxTenants` tenants wait for a flush; and per period each tenant logs at most `maxWarningsPerTenant`
// origins, then one line saying the rest are not logged.
import type { Logger } from '../../../lib/logger.ts';
import { createAggregatingRecorder } from '../../../lib/aggregating-recorder.ts';
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

  let warned = new Map<string, WarnState>();
  let warnPeriodStart = now();

  // Counted per tenant (the group) and origin (the item). What is written is `count - error`: the
  // refusals really seen from that origin (an origin that replaced another does not inherit its count).
  const counts = createAggregatingRecorder<string>({
    groupKey: (tenantId) => tenantId,
    write: (batch) =>
      options.write(
        batch.map((c) => ({ tenantId: c.group, origin: c.item, count: c.count - c.error, firstSeenAt: c.firstSeenAt, lastSeenAt: c.lastSeenAt })),
      ),
    // The counts are a diagnosis, not data: a failed write is not retried (a tenant that no longer
    // exists would fail every time); the warn lines were already logged.
    onWriteError: (err, batch) => options.logger?.warn({ err, origins: batch.length }, 'refused origin counts not stored'),
    flushEveryMs: options.flushEveryMs ?? 30_000,
    maxGroups: maxTenants,
    maxItemsPerGroup: maxOrigins,
    now,
  });

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

  const recorder: RefusedOriginRecorder = {
    refused(tenant, rawOrigin) {
      const origin = cleanOrigin(rawOrigin);
      const at = now();
      counts.count(tenant.tenantId, origin);
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
    flush: () => counts.flush(),
    close: () => counts.close(),
  };
  return recorder;
}
