// `hub migrate`: applies pending migrations and says which.
import type { Config } from '../config.ts';
import { connectStore } from '../store/connect.ts';
import { migrate } from '../store/migrate.ts';

export async function migrateCommand(config: Config): Promise<void> {
  const store = await connectStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    const applied = await migrate(store);
    process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'database is up to date\n');
  } finally {
    await store.close();
  }
}
