// The `hub` command: the one place where configuration meets the parts.
import { Command, InvalidArgumentError } from 'commander';
import { loadConfigOrExit } from '../cli/load-config.ts';
// Command implementations are imported when their command runs, so `--help` stays fast.
const serve: typeof import('../cli/serve.ts').serve = async (...a) => (await import('../cli/serve.ts')).serve(...a);
const tenantCreate: typeof import('../cli/tenant-create.ts').tenantCreate = async (...a) =>
  (await import('../cli/tenant-create.ts')).tenantCreate(...a);
const migrateCommand: typeof import('../cli/migrate.ts').migrateCommand = async (...a) =>
  (await import('../cli/migrate.ts')).migrateCommand(...a);
import { extraCommands } from '../cli/index.ts';
import type { WorkerName } from '../workers/index.ts';

const program = new Command('hub')
  .description('Server-side conversion tracking hub: pixel and gateway webhooks in, Meta Conversions API out.')
  .showHelpAfterError();

program
  .command('start')
  .description('Run the API and all workers in one process (embedded PGlite unless HUB_DATABASE_URL is set)')
  .action(async () => {
    await serve(loadConfigOrExit(), { api: true, workers: ['match', 'dispatch'], migrate: true, banner: true });
  });

program
  .command('api')
  .description('Run only the HTTP API (scale mode: run several behind a load balancer)')
  .option('--migrate', 'apply pending migrations first', false)
  .action(async (opts: { migrate: boolean }) => {
    const config = loadConfigOrExit();
    await serve(config, { api: true, workers: [], migrate: opts.migrate || !config.databaseUrl, banner: true });
  });

program
  .command('worker')
  .description('Run background workers: match, dispatch, or all')
  .argument('[kind]', 'match | dispatch | all', (v) => {
    if (!['match', 'dispatch', 'all'].includes(v)) throw new InvalidArgumentError('expected match, dispatch or all');
    return v;
  }, 'all')
  .action(async (kind: string) => {
    const config = loadConfigOrExit();
    const workers: WorkerName[] = kind === 'all' ? ['match', 'dispatch'] : [kind as WorkerName];
    await serve(config, { api: false, workers, migrate: !config.databaseUrl });
  });

program
  .command('migrate')
  .description('Apply pending database migrations (forward only)')
  .action(async () => migrateCommand(loadConfigOrExit()));

const tenant = program.command('tenant').description('Manage tenants');
tenant
  .command('create')
  .description('Create a tenant and print its keys (the secret key is shown once)')
  .requiredOption('--name <name>', 'the tenant name, e.g. "Acme Cursos"')
  .option('--json', 'print JSON', false)
  .action(async (opts: { name: string; json: boolean }) => tenantCreate(loadConfigOrExit(), opts));

for (const add of extraCommands) add(program, loadConfigOrExit);

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`hub: ${(err as Error)?.message ?? String(err)}\n`);
  process.exit(1);
});
