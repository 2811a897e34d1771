// Tenants and their keys.
import { sql } from 'kysely';
import type { Db } from './connect.ts';
import type { Tenant } from './database.ts';
import { newId } from '../lib/ids.ts';
import { generatePublicKey, generateSecretKey, hashSecretKey } from '../domain/tenancy/api-keys.ts';
import { secretHint } from '../lib/secret-box.ts';

export interface CreatedTenant {
  tenant: Tenant;
  secretKey: string;
  publicKey: string;
}

export async function createTenant(db: Db, input: { name: string }): Promise<CreatedTenant> {
  const secretKey = generateSecretKey();
  const publicKey = generatePublicKey();
  const id = newId('ten');
  const tenant = await db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('tenants')
      .values({ id, name: input.name, public_key: publicKey, previous_public_key: null, previous_public_key_expires_at: null, settings: JSON.stringify({}) })
      .returningAll()
      .executeTakeFirstOrThrow();
    await trx
      .insertInto('api_keys')
      .values({ id: newId('key'), tenant_id: id, key_hash: hashSecretKey(secretKey), hint: secretHint(secretKey), revoked_at: null })
      .execute();
    return row;
  });
  return { tenant, secretKey, publicKey };
}

/** A key works while it is not revoked, or until its revocation time when it was rotated with an overlap. */
export async function findTenantBySecretKey(db: Db, secretKey: string): Promise<Tenant | undefined> {
  return db
    .selectFrom('api_keys')
    .innerJoin('tenants', 'tenants.id', 'api_keys.tenant_id')
    .selectAll('tenants')
    .where('api_keys.key_hash', '=', hashSecretKey(secretKey))
    .where((eb) => eb.or([eb('api_keys.revoked_at', 'is', null), eb('api_keys.revoked_at', '>', sql<Date>`now()`)]))
    .executeTakeFirst();
}

export async function findTenant(db: Db, id: string): Promise<Tenant | undefined> {
  return db.selectFrom('tenants').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Every tenant's id (for a set kept in memory: which tenant ids exist, without a lookup each). */
export async function listTenantIds(db: Db): Promise<string[]> {
  return (await db.selectFrom('tenants').select('id').execute()).map((r) => r.id);
}

export interface TenantSummary {
  id: string;
  name: string;
  publicKey: string;
  createdAt: Date;
  activeSecretKeys: number;
}

export async function listTenants(db: Db): Promise<TenantSummary[]> {
  const rows = await db
    .selectFrom('tenants')
    .leftJoin('api_keys', (join) =>
      join.onRef('api_keys.tenant_id', '=', 'tenants.id').on((eb) => eb.or([eb('api_keys.revoked_at', 'is', null), eb('api_keys.revoked_at', '>', sql<Date>`now()`)])),
    )
    .select(['tenants.id', 'tenants.name', 'tenants.public_key', 'tenants.created_at', (eb) => eb.fn.count<number>('api_keys.id').as('keys')])
    .groupBy(['tenants.id', 'tenants.name', 'tenants.public_key', 'tenants.created_at'])
    .orderBy('tenants.created_at')
    .execute();
  return rows.map((r) => ({ id: r.id, name: r.name, publicKey: r.public_key, createdAt: r.created_at, activeSecretKeys: Number(r.keys) }));
}

/**
 * A new secret key; every key active before stops working at `revokeAt` (now, or after an overlap so
 * scripts can be moved to the new one). Returns the new key, shown once.
 */
export async function rotateSecretKey(db: Db, tenantId: string, revokeAt: Date): Promise<string> {
  const secretKey = generateSecretKey();
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('api_keys')
      .set({ revoked_at: revokeAt })
      .where('tenant_id', '=', tenantId)
      .where((eb) => eb.or([eb('revoked_at', 'is', null), eb('revoked_at', '>', revokeAt)]))
      .execute();
    await trx
      .insertInto('api_keys')
      .values({ id: newId('key'), tenant_id: tenantId, key_hash: hashSecretKey(secretKey), hint: secretHint(secretKey), revoked_at: null })
      .execute();
  });
  return secretKey;
}

/** A new public key; the current one stays accepted until `previousExpiresAt` (pages still carry it). */
export async function rotatePublicKey(db: Db, tenantId: string, previousExpiresAt: Date): Promise<string> {
  const publicKey = generatePublicKey();
  await db
    .updateTable('tenants')
    .set((eb) => ({ previous_public_key: eb.ref('public_key'), previous_public_key_expires_at: previousExpiresAt, public_key: publicKey }))
    .where('id', '=', tenantId)
    .execute();
  return publicKey;
}

export async function updateTenantSettings(db: Db, tenantId: string, settings: Record<string, unknown>): Promise<void> {
  await db.updateTable('tenants').set({ settings: JSON.stringify(settings) }).where('id', '=', tenantId).execute();
}
