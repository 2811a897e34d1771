// Refused origins: browser origins the tracking API turned away for a tenant (a page carrying the
// tenant's public key from an origin none of its funnels lists). API processes count them in memory
// (src/api/routes/tracking/refused-origin-recorder.ts) and add their counts here in one batched
// upsert per flush; each flush then keeps only the top origins per tenant, so however many distinct
// origins an attacker sends, a tenant never has more than `keepPerTenant` rows.
import { sql } from 'kysely';
import type { Db } from './connect.ts';

/** How many origins a tenant keeps: the most refused, then the most recent. */
export const REFUSED_ORIGINS_KEPT_PER_TENANT = 50;
/** Rows per upsert statement (4 parameters each). */
const CHUNK = 500;

export interface RefusedOriginCount {
  tenantId: string;
  origin: string;
  /** Refusals since the last flush. */
  count: number;
  firstSeenAt: Date;
  lastSeenAt: Date;
}

export interface RefusedOrigin {
  origin: string;
  count: number;
  lastSeenAt: Date;
}

/**
 * Adds counts (at most one per tenant and origin) and trims each tenant named to its top origins.
 * One upsert per 500 rows and one delete, whatever the number of tenants.
 */
export async function addRefusedOriginCounts(
  db: Db,
  counts: RefusedOriginCount[],
  keepPerTenant = REFUSED_ORIGINS_KEPT_PER_TENANT,
): Promise<void> {
  if (counts.length === 0) return;
  // No transaction: each statement stands alone (a trim that fails is redone by the next flush), and
  // rows go in key order, so API processes flushing at once lock rows in the same order.
  const sorted = [...counts].sort((a, b) => compare(a.tenantId, b.tenantId) || compare(a.origin, b.origin));
  for (let i = 0; i < sorted.length; i += CHUNK) {
    await db
      .insertInto('refused_origins')
      .values(
        sorted.slice(i, i + CHUNK).map((c) => ({
          tenant_id: c.tenantId,
          origin: c.origin,
          count: c.count,
          first_seen_at: c.firstSeenAt,
          last_seen_at: c.lastSeenAt,
        })),
      )
      .onConflict((oc) =>
        oc.columns(['tenant_id', 'origin']).doUpdateSet({
          count: sql`refused_origins.count + excluded.count`,
          first_seen_at: sql`least(refused_origins.first_seen_at, excluded.first_seen_at)`,
          last_seen_at: sql`greatest(refused_origins.last_seen_at, excluded.last_seen_at)`,
        }),
      )
      .execute();
  }
  const tenantIds = [...new Set(sorted.map((c) => c.tenantId))];
  await sql`
    DELETE FROM refused_origins r
    USING (
      SELECT tenant_id, origin,
             row_number() OVER (PARTITION BY tenant_id ORDER BY count DESC, last_seen_at DESC, origin) AS rank
      FROM refused_origins
      WHERE tenant_id = ANY(${tenantIds}::text[])
    ) ranked
    WHERE ranked.rank > ${keepPerTenant} AND r.tenant_id = ranked.tenant_id AND r.origin = ranked.origin`.execute(db);
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** A tenant's refused origins, most refused first (at most REFUSED_ORIGINS_KEPT_PER_TENANT). */
export async function listRefusedOrigins(db: Db, tenantId: string): Promise<RefusedOrigin[]> {
  const rows = await db
    .selectFrom('refused_origins')
    .select(['origin', 'count', 'last_seen_at'])
    .where('tenant_id', '=', tenantId)
    .orderBy('count', 'desc')
    .orderBy('last_seen_at', 'desc')
    .orderBy('origin')
    .execute();
  // int8: a number from pg (connect.ts's parser), a number or bigint from PGlite.
  return rows.map((r) => ({ origin: r.origin, count: Number(r.count), lastSeenAt: r.last_seen_at }));
}

/** Forgets a tenant's refused origins that a funnel now allows (called when a funnel is saved). */
export async function forgetRefusedOrigins(db: Db, tenantId: string, origins: string[]): Promise<void> {
  if (origins.length === 0) return;
  await db.deleteFrom('refused_origins').where('tenant_id', '=', tenantId).where('origin', 'in', origins).execute();
}
