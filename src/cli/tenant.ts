// `hub tenant create|list|rotate-key|settings`: run through the running server when there is one
// (src/cli/run-operation.ts), so a tenant made here is one the server knows at once.
import { InvalidArgumentError, type Command } from 'commander';
import type { Config } from '../config.ts';
import { openOperationRunner } from './run-operation.ts';
import { print, t, valueOrFail } from './output.ts';
import type { CreatedTenantView, RotatedKey, TenantListItem } from '../operations/tenants/tenant-operations.ts';
import { pixelTag } from '../operations/tenants/pixel-tag.ts';
import type { TenantSettingsView } from '../operations/tenants/tenant-settings.ts';

export function tenantCommands(program: Command, loadConfig: () => Config): void {
  const tenant = program.command('tenant').description('Manage tenants (through the running server when there is one)');

  tenant
    .command('create')
    .description('Create a tenant and print its keys (the secret key is shown once) and its pixel tag')
    .requiredOption('--name <name>', 'the tenant name, e.g. "Acme Cursos"')
    .option('--json', 'print JSON', false)
    .action(async (opts: { name: string; json: boolean }) => {
      const runner = await openOperationRunner(loadConfig());
      try {
        const created = valueOrFail<CreatedTenantView>(await runner.run('tenant.create', { name: opts.name }));
        const tag = pixelTag(runner.baseUrl, created.publicKey);
        if (opts.json) return print(JSON.stringify({ ...created, pixelTag: tag }));
        print(t('cli.tenantCreated', { name: created.name, id: created.id }));
        print(`  ${t('cli.secretKeyOnce', { key: created.secretKey })}`);
        print(`  ${t('cli.publicKeyForPixel', { key: created.publicKey })}`);
        print('');
        print(`  ${t('cli.pixelTag')}`);
        print(`    ${tag}`);
        print('');
      } finally {
        await runner.close();
      }
    });

  tenant
    .command('list')
    .description('List the tenants: id, name, public key, active secret keys')
    .option('--json', 'print JSON', false)
    .action(async (opts: { json: boolean }) => {
      const runner = await openOperationRunner(loadConfig());
      try {
        const list = valueOrFail<TenantListItem[]>(await runner.run('tenant.list', {}));
        if (opts.json) return print(JSON.stringify(list));
        if (list.length === 0) return print(t('cli.tenantListEmpty'));
        const rows = list.map((x) => [x.id, x.name, x.publicKey, String(x.activeSecretKeys), x.createdAt]);
        printTable(['id', 'name', 'public key', 'secret keys', 'created'], rows);
      } finally {
        await runner.close();
      }
    });

  tenant
    .command('rotate-key')
    .description('Issue a new secret or public key; the previous one keeps working for --overlap-hours')
    .requiredOption('--tenant <id>', 'tenant id (ten_…)')
    .option('--kind <kind>', 'secret | public', (v) => {
      if (v !== 'secret' && v !== 'public') throw new InvalidArgumentError('expected secret or public');
      return v;
    }, 'secret')
    .option('--overlap-hours <hours>', 'how long the previous key keeps working (0-168)', hours, 24)
    .option('--json', 'print JSON', false)
    .action(async (opts: { tenant: string; kind: 'secret' | 'public'; overlapHours: number; json: boolean }) => {
      const runner = await openOperationRunner(loadConfig());
      try {
        const rotated = valueOrFail<RotatedKey>(
          await runner.run('tenant.rotateKey', { tenantId: opts.tenant, kind: opts.kind, overlapHours: opts.overlapHours }),
        );
        if (opts.json) return print(JSON.stringify(rotated));
        print(t('cli.keyRotated', { kind: rotated.kind, key: rotated.key }));
        print(
          opts.overlapHours > 0
            ? t('cli.oldKeyValidUntil', { kind: rotated.kind, until: rotated.previousValidUntil })
            : t('cli.oldKeyRevoked', { kind: rotated.kind }),
        );
        if (rotated.kind === 'public') print(`  ${pixelTag(runner.baseUrl, rotated.key)}`);
      } finally {
        await runner.close();
      }
    });

  tenant
    .command('settings')
    .description('Show a tenant\'s matching settings, or change them with --set (a JSON merge patch)')
    .requiredOption('--tenant <id>', 'tenant id (ten_…)')
    .option('--set <json>', 'e.g. \'{"attribution":{"clickWindowDays":7},"fingerprintMatching":true}\'')
    .action(async (opts: { tenant: string; set?: string }) => {
      let patch: unknown;
      if (opts.set !== undefined) {
        try {
          patch = JSON.parse(opts.set);
        } catch {
          throw new InvalidArgumentError('--set expects JSON');
        }
      }
      const runner = await openOperationRunner(loadConfig());
      try {
        const outcome =
          patch === undefined
            ? await runner.run('tenant.settings.get', { tenantId: opts.tenant })
            : await runner.run('tenant.settings.patch', { tenantId: opts.tenant, patch });
        print(JSON.stringify(valueOrFail<TenantSettingsView>(outcome), null, 2));
      } finally {
        await runner.close();
      }
    });
}

function hours(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > 168) {
    throw new InvalidArgumentError(t('cli.notANumber', { option: '--overlap-hours', unit: 'hours (0-168)', value }));
  }
  return n;
}

function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  print(line(header));
  for (const row of rows) print(line(row));
}
