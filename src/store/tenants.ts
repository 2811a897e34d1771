// Tenants and their keys.
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
      .values({ id, name: input.name, public_key: publicKey, settings: JSON.stringify({}) })
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

export async function findTenantBySecretKey(db: Db, secretKey: string): Promise<Tenant | undefined> {
  return db
    .selectFrom('api_keys')
    .innerJoin('tenants', 'tenants.id', 'api_keys.tenant_id')
    .selectAll('tenants')
    .where('api_keys.key_hash', '=', hashSecretKey(secretKey))
    .where('api_keys.revoked_at', 'is', null)
    .executeTakeFirst();
}

export async function findTenantByPublicKey(db: Db, publicKey: string): Promise<Tenant | undefined> {
  return db.selectFrom('tenants').selectAll().where('public_key', '=', publicKey).executeTakeFirst();
}

export async function findTenant(db: Db, id: string): Promise<Tenant | undefined> {
  return db.selectFrom('tenants').selectAll().where('id', '=', id).executeTakeFirst();
}
