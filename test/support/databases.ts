// Fresh databases for tests: an in-memory PGlite, or a new database on the PostgreSQL server at
// 127.0.0.1:5432 (HUB_TEST_PG_URL overrides), created per call and dropped on close.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { connectStore, type Store } from '../../src/store/connect.ts';
import { migrate } from '../../src/store/migrate.ts';

export type StoreKind = 'pglite' | 'postgres';
export const STORE_KINDS: StoreKind[] = ['pglite', 'postgres'];

const ADMIN_URL = process.env.HUB_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestStore extends Store {
  /** The database URL (postgres only), e.g. for child processes. */
  url?: string;
  /** Closes the store and drops its database. */
  dispose(): Promise<void>;
}

export async function createTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `hub_test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: ADMIN_URL });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

export async function createTestStore(kind: StoreKind, options: { migrate?: boolean } = {}): Promise<TestStore> {
  if (kind === 'pglite') {
    const store = await connectStore({ inMemory: true });
    if (options.migrate !== false) await migrate(store);
    return { ...store, dispose: () => store.close() };
  }
  const database = await createTestDatabase();
  const store = await connectStore({ databaseUrl: database.url, poolSize: 5 });
  if (options.migrate !== false) await migrate(store);
  return {
    ...store,
    url: database.url,
    async dispose() {
      await store.close();
      await database.drop();
    },
  };
}
