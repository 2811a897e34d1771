// The `hub` command: the one place where configuration meets the parts.
import { Command, InvalidArgumentError } from 'commander';
import { loadConfigOrExit } from '../cli/load-config.ts';
import { HUB_VERSION } from '../lib/version.ts';
// Command implementations are imported when their command runs, so `--help` stays fast.
const serve: typeof import('../cli/serve.ts').serve = async (...a) => (await import('../cli/serve.ts')).serve(...a);
const migrateCommand: typeof import('../cli/migrate.ts').migrateCommand = async (...a) =>
  (await import('../cli/migrate.ts')).migrateCommand(...a);
import { extraCommands } from '../cli/index.ts';
import { tenantCommands } from '../cli/tenant.ts';
import type { WorkerName } from '../workers/index.ts';

const program = new Command('hub')
  .description('Server-side conversion tracking hub: pixel and gateway webhooks in, Meta Conversions API out.')
  .version(HUB_VERSION, '-v, --version', 'print the version')
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
  .action(async () => migrateCommand(loadConfigOrExit(process.env, 'client')));

// Commands that manage data talk to the running server when there is one: server-only variables
// (HUB_PORT, …) are not theirs to validate.
const clientConfig = () => loadConfigOrExit(process.env, 'client');
tenantCommands(program, clientConfig);
for (const add of extraCommands) add(program, clientConfig);

program.parseAsync(process.argv).catch(async (err: unknown) => {
  const { describeFailure } = await import('../cli/describe-failure.ts');
  const env = process.env;
  const { text, exitCode } = describeFailure(err, env.HUB_DATABASE_URL || undefined, env.HUB_DATA_DIR || './.hub');
  process.stderr.write(`hub: ${text}\n`);
  process.exit(exitCode);
});
