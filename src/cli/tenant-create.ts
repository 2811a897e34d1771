// `hub tenant create --name … [--json]`: works without HUB_ADMIN_TOKEN (the machine's operator).
import type { Config } from '../config.ts';
import { openRuntime } from '../bin/runtime.ts';
import { createTenant } from '../store/tenants.ts';
import { createLogger } from '../lib/logger.ts';
import pino from 'pino';

export async function tenantCreate(config: Config, options: { name: string; json?: boolean }): Promise<void> {
  // Logs go to stderr so `--json` output stays machine-readable.
  const logger = createLogger(config.logLevel, pino.destination(2));
  const runtime = await openRuntime(config, { migrate: !config.databaseUrl, logger });
  try {
    const created = await createTenant(runtime.store.db, { name: options.name });
    const out = { id: created.tenant.id, name: created.tenant.name, secretKey: created.secretKey, publicKey: created.publicKey };
    if (options.json) {
      process.stdout.write(JSON.stringify(out) + '\n');
    } else {
      process.stdout.write(
        [
          `Tenant created: ${out.name} (${out.id})`,
          `  Secret key (shown once, keep it safe): ${out.secretKey}`,
          `  Public key (for the pixel):            ${out.publicKey}`,
          '',
        ].join('\n'),
      );
    }
  } finally {
    await runtime.close();
  }
}
