// Applies the plain SQL migrations in src/store/migrations, in order, forward only, each in its own
// transaction. The same files run on PGlite and PostgreSQL. On PostgreSQL an advisory lock lets
// several processes start at once: one migrates, the others wait and then find nothing to do.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Store } from './connect.ts';

const MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');
const LOCK_ID = 727_350_001;

export interface Migration {
  version: string;
  name: string;
  sql: string;
}

export function listMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((file) => ({
      version: file.slice(0, 4),
      name: file.replace(/\.sql$/, ''),
      sql: readFileSync(path.join(dir, file), 'utf8'),
    }));
}

export class MigrationError extends Error {
  constructor(migration: string, cause: unknown) {
    super(
      `migration ${migration} failed and was rolled back: ${(cause as Error)?.message ?? cause}. ` +
        'Nothing of it was applied; fix the cause (database permissions, a conflicting manual change) and run `hub migrate` again.',
      { cause },
    );
    this.name = 'MigrationError';
  }
}

/** Returns the names of the migrations it applied. */
export async function migrate(store: Store, migrations = listMigrations()): Promise<string[]> {
  return store.withScriptSession(async (exec) => {
    const lock = store.kind === 'postgres';
    if (lock) await exec(`SELECT pg_advisory_lock(${LOCK_ID})`);
    try {
      await exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version text PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
      const rows = await exec('SELECT version FROM schema_migrations');
      const applied = new Set(rows.map((r) => String(r.version)));
      const done: string[] = [];
      for (const m of migrations) {
        if (applied.has(m.version)) continue;
        try {
          await exec(`BEGIN;\n${m.sql}\n;INSERT INTO schema_migrations (version, name) VALUES ('${m.version}', '${m.name}');\nCOMMIT;`);
        } catch (err) {
          await exec('ROLLBACK').catch(() => undefined);
          throw new MigrationError(m.name, err);
        }
        done.push(m.name);
      }
      return done;
    } finally {
      if (lock) await exec(`SELECT pg_advisory_unlock(${LOCK_ID})`).catch(() => undefined);
    }
  });
}
