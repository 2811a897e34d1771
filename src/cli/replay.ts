// `hub replay` and `hub reprocess`: put a range of a tenant's events back through matching and
// dispatch (Meta event_ids stay the same, so Meta deduplicates), with a progress bar.
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import pino from 'pino';
import type { Config } from '../config.ts';
import { createLogger } from '../lib/logger.ts';
import { newId } from '../lib/ids.ts';
import { countQueuedForReplay, countReplayable, replayablePage, type ReplayFilter } from '../store/replays.ts';
import type { CommandFactory } from './index.ts';

interface Options {
  tenant: string;
  from?: string;
  to?: string;
  gateway?: string;
  wait: boolean;
}

function parseTime(name: string, v: string | undefined): Date | undefined {
  if (v === undefined) return undefined;
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) throw new Error(`--${name} expects an RFC 3339 time, e.g. 2026-11-29T00:00:00Z`);
  return d;
}

export async function replayRange(config: Config, options: Options, mode: 'replay' | 'reprocess'): Promise<{ replayId: string; queued: number }> {
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel, pino.destination(2));
  const { openRuntime } = await import('../bin/runtime.ts');
  const runtime = await openRuntime(config, { migrate: !config.databaseUrl, logger });
  try {
    const filter: ReplayFilter = {
      tenantId: options.tenant,
      from: parseTime('from', options.from),
      to: parseTime('to', options.to),
      gateway: options.gateway,
      types: mode === 'reprocess' ? ['webhook'] : undefined,
      includeUnprocessable: mode === 'reprocess',
    };
    const total = await countReplayable(runtime.store.db, filter);
    const replayId = newId('rpl');
    const bar = new cliProgress.SingleBar(
      { format: `${mode} {bar} {percentage}% | {value}/{total} {phase}`, stream: process.stderr },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0, { phase: 'queued' });
    let after: string | null = null;
    let queued = 0;
    for (;;) {
      const ids = await replayablePage(runtime.store.db, filter, after, 500);
      if (ids.length === 0) break;
      await runtime.store.db.transaction().execute((trx) =>
        runtime.queue.enqueue(
          trx,
          'ingest-events',
          ids.map((eventId) => ({ tenantId: options.tenant, payload: { eventId, tenantId: options.tenant, replayId } })),
        ),
      );
      queued += ids.length;
      after = ids[ids.length - 1]!;
      bar.update(queued);
    }
    if (options.wait && queued > 0) {
      bar.update(0, { phase: 'processed' });
      for (;;) {
        const left = await countQueuedForReplay(runtime.store.db, replayId);
        bar.update(queued - left);
        if (left === 0) break;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
    bar.stop();
    process.stdout.write(`${mode} ${replayId}: ${queued} events queued${options.wait ? ' and processed' : ''}\n`);
    return { replayId, queued };
  } finally {
    await runtime.close();
  }
}

function define(program: Command, loadConfig: () => Config, mode: 'replay' | 'reprocess', description: string) {
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
