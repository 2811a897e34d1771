// CPU time spent by the benchmark's processes (Linux /proc), so every rate can be shown with what it
// cost: microseconds of CPU per request for the hub, the bare baseline, PostgreSQL and the load
// generator. On a shared, noisy 2-core machine a rate moves with the neighbours; CPU per request moves
// much less, and it tells which process the cores went to.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** User + system CPU seconds of one process, all its threads (GC, libuv) included. */
function processCpuSeconds(pid: number | string): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name, which may itself contain spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return undefined; // exited
  }
}

/** Every PostgreSQL server process on the machine (backends, WAL writer, checkpointer, autovacuum). */
function postgresPids(): string[] {
  return readdirSync('/proc').filter((entry) => {
    if (!/^\d+$/.test(entry)) return false;
    try {
      return readFileSync(`/proc/${entry}/cmdline`, 'utf8').startsWith('postgres');
    } catch {
      return false;
    }
  });
}

export interface CpuMeter {
  /** CPU seconds each named process group used since the meter started. */
  read(): Record<string, number>;
}

/**
 * Starts measuring: `processes` by pid (child servers), `postgres` (every server process, summed; one
 * that exits in between loses its share, which the pools' long-lived backends do not), and
 * `thisProcess` (the load generator, and the Meta sandbox where the bench hosts it).
 */
export function startCpuMeter(processes: Record<string, number | undefined>): CpuMeter {
  const snapshot = () => {
    const own = process.cpuUsage();
    const groups: Record<string, number> = { thisProcess: (own.user + own.system) / 1e6 };
    for (const [name, pid] of Object.entries(processes)) groups[name] = pid === undefined ? 0 : (processCpuSeconds(pid) ?? 0);
    const postgres = new Map(postgresPids().map((pid) => [pid, processCpuSeconds(pid) ?? 0]));
    return { groups, postgres };
  };
  const start = snapshot();
  return {
    read() {
      const now = snapshot();
      const used: Record<string, number> = {};
      for (const [name, seconds] of Object.entries(now.groups)) used[name] = seconds - (start.groups[name] ?? 0);
      used.postgres = [...now.postgres].reduce((sum, [pid, seconds]) => sum + seconds - (start.postgres.get(pid) ?? 0), 0);
      return used;
    },
  };
}

/** A meter's reading as microseconds of CPU per unit of work (request, conversion), per group. */
export function microsPer(used: Record<string, number>, units: number): Record<string, number> {
  return Object.fromEntries(Object.entries(used).map(([group, seconds]) => [group, (seconds / Math.max(1, units)) * 1e6]));
}

/**
 * Runs of one server benchmark with what each cost: `metered` measures a run's CPU per request (the
 * server process, PostgreSQL, this process as the load generator), and `table` prints them.
 */
export function createCostLog() {
  const runs: Array<{ name: string; micros: Record<string, number> }> = [];
  return {
    async metered<R>(name: string, serverPid: number | undefined, run: () => Promise<R>, requests: (result: R) => number): Promise<R> {
      const meter = startCpuMeter({ server: serverPid });
      const result = await run();
      runs.push({ name, micros: microsPer(meter.read(), requests(result)) });
      return result;
    },
    /** The server process's µs per request in the named run. */
    serverMicros(name: string): number {
      return runs.find((r) => r.name === name)?.micros.server ?? NaN;
    },
    table(): string[] {
      const cell = (v: number | undefined) => (v ?? 0).toFixed(0).padStart(10);
      return [
        'CPU per request, µs (user + system of each process over the run; PostgreSQL is every server process):',
        `| ${'run'.padEnd(36)} | ${'server'.padStart(10)} | ${'PostgreSQL'.padStart(10)} | ${'load gen.'.padStart(10)} |`,
        `|${'-'.repeat(38)}|${'-'.repeat(12)}|${'-'.repeat(12)}|${'-'.repeat(12)}|`,
        ...runs.map(({ name, micros }) => `| ${name.padEnd(36)} | ${cell(micros.server)} | ${cell(micros.postgres)} | ${cell(micros.thisProcess)} |`),
      ];
    },
  };
}
