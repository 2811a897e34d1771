// `hub migrate`: applies pending migrations and says which. On the embedded database a running server
// owns the files (and migrated them when it started), so the command asks it instead of opening them.
import type { Config } from '../config.ts';
import { connectStore } from '../store/connect.ts';
import { migrate } from '../store/migrate.ts';
import { adminSocketPath, probeServer } from '../admin/admin-socket.ts';
import { claimAdminSocket } from '../admin/admin-server.ts';

export async function migrateCommand(config: Config): Promise<void> {
  if (!config.databaseUrl) {
    const socket = adminSocketPath(config.dataDir);
    const running = await probeServer(socket);
    if (running) {
      process.stdout.write(`database is up to date (the running hub, pid ${running.pid}, migrated it when it started)\n`);
      return;
    }
    await claimAdminSocket(socket);
  }
  const store = await connectStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    const applied = await migrate(store);
    process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'database is up to date\n');
  } finally {
    await store.close();
  }
}
