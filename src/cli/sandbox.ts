// `hub sandbox meta`: runs the local Meta Graph stand-in in the foreground, so a hub (HUB_META_GRAPH_URL),
// a test or a benchmark can send CAPI events to it and count what arrived, with faults on demand.
import { Command, InvalidArgumentError } from 'commander';
import type { CommandFactory } from './index.ts';
import type { FaultMode } from '../sandbox/meta/index.ts';

const MODES: readonly FaultMode[] = ['5xx', 'throttle', 'timeout', 'invalid_token'];

export interface SandboxMetaOptions {
  port: number;
  host: string;
  failRate: number;
  modes: FaultMode[];
  seed?: number;
  invalidToken: string[];
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError('expected a port number 0-65535');
  return port;
}

function parseRate(value: string): number {
  const rate = Number(value);
  if (!Number.isFinite(rate) || rate < 0 || rate > 1) throw new InvalidArgumentError('expected a fraction between 0 and 1, e.g. 0.2');
  return rate;
}

function parseModes(value: string): FaultMode[] {
  const modes = value.split(',').map((m) => m.trim()).filter(Boolean);
  const unknown = modes.filter((m) => !MODES.includes(m as FaultMode));
  if (unknown.length) throw new InvalidArgumentError(`unknown mode ${unknown.join(', ')}; expected some of ${MODES.join(', ')}`);
  return modes as FaultMode[];
}

function parseSeed(value: string): number {
  if (!/^-?\d+$/.test(value)) throw new InvalidArgumentError('expected a whole number');
  return Number(value);
}

export async function runMetaSandbox(options: SandboxMetaOptions): Promise<void> {
  const { startMetaSandbox } = await import('../sandbox/meta/index.ts');
  const sandbox = await startMetaSandbox({
    port: options.port,
    host: options.host,
    invalidTokens: options.invalidToken,
    faults: { rate: options.failRate, modes: options.modes, ...(options.seed !== undefined ? { seed: options.seed } : {}) },
  });
  const faults = options.failRate > 0 ? `failing ${Math.round(options.failRate * 100)} % of requests (${options.modes.join(', ')})` : 'no faults';
  process.stdout.write(
    [
      '',
      `  Meta sandbox listening on ${sandbox.url} — ${faults}`,
      `  Graph endpoint:  POST ${sandbox.url}/{version}/{pixel_id}/events`,
      `  Point a hub at it:  HUB_META_GRAPH_URL=${sandbox.url} npm start`,
      `  What arrived:    GET ${sandbox.url}/_sandbox/events?event_id=…  ·  GET ${sandbox.url}/_sandbox/stats`,
      `  Change faults:   POST ${sandbox.url}/_sandbox/faults {"rate":0.3,"modes":["5xx","throttle"]}`,
      '  Tokens starting with "invalid" are refused with code 190. Ctrl-C stops it.',
      '',
    ].join('\n') + '\n',
  );
  const stop = async () => {
    await sandbox.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

export const sandboxCommands: CommandFactory = (program) => {
  const sandbox = program.command('sandbox').description('Local stand-ins for outside services');
  sandbox.addCommand(
    new Command('meta')
      .description('Run a local Meta Graph API stand-in for POST /{version}/{pixel_id}/events, recording what it receives')
      .option('--port <port>', 'port to listen on (0 = any free port)', parsePort, 4100)
      .option('--host <host>', 'address to listen on', '127.0.0.1')
      .option('--fail-rate <fraction>', 'fraction of requests to fail on purpose, 0-1', parseRate, 0)
      .option('--modes <list>', `failures to inject, comma-separated: ${MODES.join(',')}`, parseModes, ['5xx', 'throttle', 'timeout'])
      .option('--seed <n>', 'seed the failure sequence so it repeats exactly', parseSeed)
      .option('--invalid-token <token...>', 'access tokens to refuse with code 190 (besides any starting with "invalid")', [])
      .action(async (opts: SandboxMetaOptions) => runMetaSandbox(opts)),
  );
};
