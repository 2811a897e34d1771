// `hub replay` and `hub reprocess`: put a range of a tenant's events back through matching and
// dispatch (Meta event_ids stay the same, so Meta deduplicates), with a progress bar. The work is the
// replay operation, run by the running server when there is one (src/cli/run-operation.ts).
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import type { Config } from '../config.ts';
import type { ReplayMode, ReplayStarted } from '../operations/replay/replay-range.ts';
import { openOperationRunner } from './run-operation.ts';
import { print, t, valueOrFail } from './output.ts';
import type { CommandFactory } from './index.ts';

interface Options {
  tenant: string;
  from?: string;
  to?: string;
  gateway?: string;
  wait: boolean;
}

export async function replayRange(config: Config, options: Options, mode: ReplayMode): Promise<ReplayStarted> {
  const runner = await openOperationRunner(config);
  try {
    const started = valueOrFail<ReplayStarted>(
      await runner.run('replay.start', { tenantId: options.tenant, mode, from: options.from, to: options.to, gateway: options.gateway }),
    );
    const { replayId, queued } = started;
    if (options.wait && queued > 0) {
      const bar = new cliProgress.SingleBar(
        { format: `${mode} {bar} {percentage}% | {value}/{total} processed`, stream: process.stderr },
        cliProgress.Presets.shades_classic,
      );
      bar.start(queued, 0);
      for (;;) {
        const { left } = valueOrFail<{ left: number }>(await runner.run('replay.progress', { replayId }));
        bar.update(queued - left);
        if (left === 0) break;
        await new Promise((r) => setTimeout(r, 500));
      }
      bar.stop();
    }
    print(t(options.wait ? 'cli.replayProcessed' : 'cli.replayQueued', { mode, id: replayId, count: queued }));
    if (started.tooOld > 0) print(t('cli.replayTooOld', { count: started.tooOld }));
    return started;
  } finally {
    await runner.close();
  }
}

function define(program: Command, loadConfig: () => Config, mode: ReplayMode, description: string) {
  program
    .command(mode)
    .description(description)
    .requiredOption('--tenant <id>', 'tenant id (ten_…)')
    .option('--from <time>', 'received at or after (RFC 3339)')
    .option('--to <time>', 'received before (RFC 3339)')
    .option('--gateway <name>', 'only this gateway')
    .option('--no-wait', 'queue and return without waiting for workers')
    .action(async (opts: Options) => {
      await replayRange(loadConfig(), opts, mode);
    });
}

export const replayCommands: CommandFactory = (program, loadConfig) => {
  define(program, loadConfig, 'replay', 'Re-run matching and dispatch for a range of events (needs running workers to finish)');
  define(program, loadConfig, 'reprocess', 'Re-normalize webhook deliveries from their raw bodies (after a fix), then match and dispatch');
};
