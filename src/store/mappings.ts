// The conversion mapping a tenant set, per destination (defaults are in domain/mapping, not here).
import { sql } from 'kysely';
import type { Db } from './connect.ts';
import type { DestinationName, MappingPatch } from '../domain/mapping/index.ts';

export async function readStoredMapping(db: Db, tenantId: string): Promise<MappingPatch> {
  const rows = await db.selectFrom('conversion_mappings').select(['destination', 'rules']).where('tenant_id', '=', tenantId).execute();
  return Object.fromEntries(rows.map((r) => [r.destination, r.rules])) as MappingPatch;
}

/** Replaces a destination's rules (kinds left out go back to their defaults). */
export async function writeStoredMapping(db: Db, tenantId: string, destination: DestinationName, rules: Record<string, unknown>): Promise<void> {
  await db
    .insertInto('conversion_mappings')
    .values({ tenant_id: tenantId, destination, rules: JSON.stringify(rules) })
    .onConflict((oc) => oc.columns(['tenant_id', 'destination']).doUpdateSet({ rules: JSON.stringify(rules), updated_at: sql`now()` }))
    .execute();
}
