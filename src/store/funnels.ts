// Funnels: the landing-page origins allowed to call the tracking API and the checkout hosts to decorate.
import { sql } from 'kysely';
import type { Db } from './connect.ts';
import type { Funnel } from './database.ts';

export async function upsertFunnel(
  db: Db,
  tenantId: string,
  slug: string,
  input: { origins: string[]; checkoutHosts: string[] },
): Promise<Funnel> {
  return db
    .insertInto('funnels')
    .values({ tenant_id: tenantId, slug, origins: input.origins, checkout_hosts: input.checkoutHosts })
    .onConflict((oc) =>
      oc.columns(['tenant_id', 'slug']).doUpdateSet({
        origins: input.origins,
        checkout_hosts: input.checkoutHosts,
        updated_at: sql`now()`,
      }),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function listFunnels(db: Db, tenantId: string): Promise<Funnel[]> {
  return db.selectFrom('funnels').selectAll().where('tenant_id', '=', tenantId).orderBy('slug').execute();
}
