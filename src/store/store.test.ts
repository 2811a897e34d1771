// Guards the store's foundation: the same migrations on PGlite and PostgreSQL, tenant keys as hashes,
// secrets sealed at rest, and data that survives a restart.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS, createTestDatabase, createTestStore, type TestStore } from '../../test/support/databases.ts';
import { connectStore } from './connect.ts';
import { listMigrations, migrate } from './migrate.ts';
import { createTenant, findTenantBySecretKey } from './tenants.ts';
import { findTrackingTenant } from './tracking.ts';
import { getConnection, openConnectionSecret, upsertConnection } from './connections.ts';
import { createSecretBox } from '../lib/secret-box.ts';
import { hashSecretKey } from '../domain/tenancy/api-keys.ts';

const box = createSecretBox(Buffer.alloc(32, 3));

describe.each(STORE_KINDS)('store on %s', (kind) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await createTestStore(kind);
  });
  afterAll(async () => {
    await store?.dispose();
  });

  it('applies every migration once and is a no-op the second time', async () => {
    const rows = await store.db.selectFrom('schema_migrations').select('name').execute();
    expect(rows.map((r) => r.name)).toEqual(listMigrations().map((m) => m.name));
    expect(await migrate(store)).toEqual([]);
  });

  it('every index on a tenant-owned table starts with tenant_id', async () => {
    const { rows } = await sql<{ tablename: string; indexdef: string }>`
      SELECT tablename, indexdef FROM pg_indexes WHERE schemaname = 'public'`.execute(store.db);
    const tenantTables = new Set(
      (
        await sql<{ table_name: string }>`SELECT table_name FROM information_schema.columns
          WHERE table_schema = 'public' AND column_name = 'tenant_id'`.execute(store.db)
      ).rows.map((r) => r.table_name),
    );
    // jobs/outbox are claimed by queue across tenants (documented in docs/data-model.md).
    const exempt = new Set(['jobs_pkey', 'jobs_claim_idx', 'outbox_pkey', 'webhook_rejections_pkey', 'events_pkey', 'api_keys_pkey', 'api_keys_key_hash_key', 'outbox_created_idx']);
    const offenders = rows.filter((r) => {
      if (!tenantTables.has(r.tablename)) return false;
      const name = /INDEX (\S+) ON/.exec(r.indexdef)?.[1] ?? '';
      if (exempt.has(name)) return false;
      const cols = /\((.*)\)/.exec(r.indexdef)?.[1] ?? '';
      return !cols.trim().startsWith('tenant_id');
    });
    expect(offenders).toEqual([]);
  });

  it('stores the secret key only as a hash and finds the tenant by it', async () => {
    const created = await createTenant(store.db, { name: 'Acme Cursos' });
    expect(created.secretKey).toMatch(/^hub_sk_/);
    expect(created.publicKey).toMatch(/^hub_pk_/);
    const keyRows = await store.db.selectFrom('api_keys').selectAll().where('tenant_id', '=', created.tenant.id).execute();
    expect(keyRows).toHaveLength(1);
    expect(keyRows[0]!.key_hash).toBe(hashSecretKey(created.secretKey));
    expect(JSON.stringify(keyRows)).not.toContain(created.secretKey);
    expect((await findTenantBySecretKey(store.db, created.secretKey))?.id).toBe(created.tenant.id);
    expect(await findTenantBySecretKey(store.db, created.secretKey + 'x')).toBeUndefined();
    expect((await findTrackingTenant(store.db, created.publicKey))?.tenantId).toBe(created.tenant.id);
  });

  it('seals connection secrets at rest', async () => {
    const { tenant } = await createTenant(store.db, { name: 'Sealed' });
    await upsertConnection(store.db, box, tenant.id, {
      kind: 'meta',
      settings: { pixelId: '123' },
      secret: { accessToken: 'EAAB-very-secret-token' },
      hintOf: 'EAAB-very-secret-token',
    });
    const raw = await sql<{ row: string }>`SELECT row_to_json(c)::text AS row FROM connections c WHERE tenant_id = ${tenant.id}`.execute(store.db);
    expect(raw.rows[0]!.row).not.toContain('very-secret');
    const conn = await getConnection(store.db, tenant.id, 'meta');
    expect(openConnectionSecret<{ accessToken: string }>(box, conn!).accessToken).toBe('EAAB-very-secret-token');
  });
});

describe('data survives a restart', () => {
  it('on embedded PGlite in a data directory', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'hub-pglite-'));
    try {
      const first = await connectStore({ dataDir: dir });
      await migrate(first);
      const { tenant } = await createTenant(first.db, { name: 'Persisted' });
      await first.close();
      const second = await connectStore({ dataDir: dir });
      expect(await migrate(second)).toEqual([]);
      const found = await second.db.selectFrom('tenants').select('name').where('id', '=', tenant.id).executeTakeFirst();
      expect(found?.name).toBe('Persisted');
      await second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('on PostgreSQL', async () => {
    const database = await createTestDatabase();
    try {
      const first = await connectStore({ databaseUrl: database.url });
      await migrate(first);
      const { tenant } = await createTenant(first.db, { name: 'Persisted PG' });
      await first.close();
      const second = await connectStore({ databaseUrl: database.url });
      const found = await second.db.selectFrom('tenants').select('name').where('id', '=', tenant.id).executeTakeFirst();
      expect(found?.name).toBe('Persisted PG');
      await second.close();
    } finally {
      await database.drop();
    }
  });

  it('concurrent migrators on PostgreSQL apply each migration once', async () => {
    const database = await createTestDatabase();
    try {
      const stores = await Promise.all([1, 2, 3].map(() => connectStore({ databaseUrl: database.url })));
      const results = await Promise.all(stores.map((s) => migrate(s)));
      expect(results.flat()).toEqual(listMigrations().map((m) => m.name));
      await Promise.all(stores.map((s) => s.close()));
    } finally {
      await database.drop();
    }
  });
});
