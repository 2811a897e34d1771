// Opens the database: PGlite in the data directory (embedded default) or PostgreSQL through `pg`.
import path from 'node:path';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './database.ts';
import { ownerOnlyDataDir } from './owner-only-data-dir.ts';

export type Db = Kysely<Database>;

export interface Store {
  db: Db;
  kind: 'pglite' | 'postgres';
  /**
   * Runs `fn` on one dedicated connection that can execute multi-statement scripts (migrations),
   * outside Kysely's prepared statements. `exec` returns the rows of the script's last statement.
   */
  withScriptSession<T>(fn: (exec: (script: string) => Promise<Record<string, unknown>[]>) => Promise<T>): Promise<T>;
  /**
   * Runs one constant, parameterised statement on the hot path, as a named prepared statement on
   * PostgreSQL (parsed and planned once per connection instead of on every call).
   */
  prepared<R>(name: string, text: string, values: unknown[]): Promise<R[]>;
  close(): Promise<void>;
}

export interface ConnectOptions {
  databaseUrl?: string;
  dataDir?: string;
  /** Pool size for PostgreSQL. */
  poolSize?: number;
  /** For tests: an in-memory PGlite. */
  inMemory?: boolean;
}

// int8 (bigint) comes back as a string from pg by default; counts we select are small, so parse them.
pg.types.setTypeParser(20, (v) => Number(v));

export async function connectStore(options: ConnectOptions): Promise<Store> {
  if (options.databaseUrl) return connectPostgres(options.databaseUrl, options.poolSize ?? 10);
  return connectPglite(options);
}

function connectPostgres(url: string, poolSize: number): Store {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  // A client losing its connection (server restart, terminated backend) must not crash the process.
  // Idle clients report through the pool; a checked-out client (say, a transaction waiting on SQS)
  // emits on itself, so every client gets a listener too. Its next query fails, the transaction rolls
  // back, and the pool replaces it.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    kind: 'postgres',
    async withScriptSession(fn) {
      const client = await pool.connect();
      try {
        return await fn(async (script) => {
          const result = (await client.query(script)) as unknown as pg.QueryResult | pg.QueryResult[];
          const last = Array.isArray(result) ? result[result.length - 1] : result;
          return (last?.rows ?? []) as Record<string, unknown>[];
        });
      } finally {
        client.release();
      }
    },
    async prepared<R>(name: string, text: string, values: unknown[]) {
      return (await pool.query({ name, text, values })).rows as R[];
    },
    close: () => db.destroy(),
  };
}

async function connectPglite(options: ConnectOptions): Promise<Store> {
  // Loaded only in embedded mode: the WASM build costs ~50 MB of memory that PostgreSQL processes never need.
  const { PGlite } = await import('@electric-sql/pglite');
  const { PGliteDialect } = await import('kysely-pglite-dialect');
  let pglite: InstanceType<typeof PGlite>;
  if (options.inMemory) {
    pglite = new PGlite();
  } else {
    const dataDir = path.resolve(options.dataDir ?? './.hub');
    const dir = path.join(dataDir, 'pgdata');
    // The data directory holds the database, the encryption key and the admin socket: owner-only, for
    // the files PGlite writes later too (it sets the process umask: see owner-only-data-dir.ts).
    ownerOnlyDataDir(dataDir, dir);
    pglite = new PGlite(dir);
  }
  await pglite.waitReady;
  const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
  return {
    db,
    kind: 'pglite',
    async withScriptSession(fn) {
      // PGlite has one connection; it queues calls, so this runs between Kysely's queries.
      return fn(async (script) => {
        const results = await pglite.exec(script);
        return (results[results.length - 1]?.rows ?? []) as Record<string, unknown>[];
      });
    },
    async prepared<R>(_name: string, text: string, values: unknown[]) {
      return (await pglite.query<R>(text, values)).rows;
    },
    async close() {
      await db.destroy();
      // Kysely closes its driver only if it ever ran a query: a command that used only scripts (an
      // up-to-date `hub migrate`) would leave PGlite open, and its timer would keep the process alive.
      if (!pglite.closed) await pglite.close();
    },
  };
}
