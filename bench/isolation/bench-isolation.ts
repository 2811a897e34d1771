// `npm run bench:isolation`: can one tenant's traffic, or an operator's scraper, slow another tenant's
// webhooks? (issue 15). The victim tenant receives signed Hotmart deliveries at a steady 200/s (open loop,
// ../support/steady-rate) and its p99 is measured quiet, and then while:
//   - another tenant's URL receives 300 deliveries/s with a bad signature,
//   - another tenant's URL receives 1,000 valid duplicates/s (one delivery sent again and again),
//   - /metrics is scraped 20 times/s on HUB_METRICS_PORT.
// Each noise comes from its own process (./noise.ts), so generating it never delays the victim's sends.
// The hub is the real `hub api` process on PostgreSQL (as `hub api` runs in production: the metrics
// listener, the shared-gauge refresh and the shutdown are serve.ts's), with the database queue.
// Each noisy run is paired with a quiet run just before it (a shared machine's neighbours come and go);
// BENCH_ROUNDS rounds, the noises' order rotating. Printed: each noise's median p99 beside the median
// p99 of its quiet runs, their ratio, and what one noise request cost the hub in CPU.
// Target: every ratio ≤ 2.
//   BENCH_DURATION=10 BENCH_ROUNDS=3 npm run bench:isolation
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { testConfig } from '../../src/config.ts';
import { createSecretBox } from '../../src/lib/secret-box.ts';
import { connectStore } from '../../src/store/connect.ts';
import { upsertConnection } from '../../src/store/connections.ts';
import { migrate } from '../../src/store/migrate.ts';
import { createTenant } from '../../src/store/tenants.ts';
import { createTestDatabase } from '../../test/support/databases.ts';
import { freePort, spawnHub, waitReady } from '../../test/support/hub-processes.ts';
import { gatewayFixture } from '../../test/support/signed-webhooks.ts';
import { startCpuMeter } from '../support/process-cpu.ts';
import { reportFigures } from '../support/report-figures.ts';
import { steadyRate, type SteadyRateResult } from '../support/steady-rate.ts';
import type { NoiseKind, NoiseResult } from './noise.ts';

const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const VICTIM_RATE = 200;
const NOISE: Array<{ kind: NoiseKind; rate: number; label: string }> = [
  { kind: 'bad-signatures', rate: 300, label: '300 bad signatures/s to another tenant' },
  { kind: 'duplicates', rate: 1_000, label: '1,000 valid duplicates/s to another tenant' },
  { kind: 'scrapes', rate: 20, label: '20 scrapes/s of /metrics' },
];
const TARGET_RATIO = 2;
const HOTTOK_VICTIM = 'bench-hottok-victim-0123456789';
const HOTTOK_OTHER = 'bench-hottok-other-0123456789';
const noiseScript = fileURLToPath(new URL('./noise.ts', import.meta.url));

function delivery(): { body: string; headers: Record<string, string> } {
  const id = randomUUID();
  const fixture = gatewayFixture('hotmart', 'purchase-approved') as { data: { purchase: Record<string, unknown> } };
  const body = JSON.stringify({ ...fixture, id, data: { ...fixture.data, purchase: { ...fixture.data.purchase, transaction: `HP${id}` } } });
  return { body, headers: { 'content-type': 'application/json', 'x-hotmart-hottok': HOTTOK_VICTIM } };
}

/** Starts a noise process; resolves once it sends, with its pid and its result to come. */
async function startNoise(kind: NoiseKind, url: string, rate: number, seconds: number): Promise<{ pid: number | undefined; result: Promise<NoiseResult> }> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', noiseScript, kind, url, String(rate), String(seconds), HOTTOK_OTHER], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  const iterator = lines[Symbol.asyncIterator]();
  const first = await iterator.next();
  if (first.done || !JSON.parse(first.value).ready) throw new Error(`noise ${kind} did not start`);
  const result = (async () => {
    const last = await iterator.next();
    if (last.done) throw new Error(`noise ${kind} ended without a result`);
    return JSON.parse(last.value) as NoiseResult;
  })();
  return { pid: child.pid, result };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

const database = await createTestDatabase();
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'hub-bench-isolation-'));
const config = testConfig();
let hub: ReturnType<typeof spawnHub> | undefined;
try {
  // Two tenants with Hotmart connected: the victim, and the one whose URL takes the noise.
  const store = await connectStore({ databaseUrl: database.url, poolSize: 1 });
  await migrate(store);
  const box = createSecretBox(config.encryptionKey!);
  const victim = (await createTenant(store.db, { name: 'Victim' })).tenant;
  const other = (await createTenant(store.db, { name: 'Other' })).tenant;
  await upsertConnection(store.db, box, victim.id, { kind: 'hotmart', settings: {}, secret: { hottok: HOTTOK_VICTIM }, hintOf: HOTTOK_VICTIM });
  await upsertConnection(store.db, box, other.id, { kind: 'hotmart', settings: {}, secret: { hottok: HOTTOK_OTHER }, hintOf: HOTTOK_OTHER });
  await store.close();

  const port = await freePort();
  const metricsPort = await freePort();
  hub = spawnHub(
    'hub api',
    ['api'],
    {
      HUB_DATABASE_URL: database.url,
      HUB_ENCRYPTION_KEY: config.encryptionKey!.toString('hex'),
      HUB_DATA_DIR: dataDir,
      HUB_METRICS_PORT: String(metricsPort),
      HUB_PUBLIC_URL: 'https://hub.bench.example',
      HUB_LOG_LEVEL: 'warn',
    },
    port,
  );
  await waitReady(hub).catch((err: unknown) => {
    throw new Error(`${(err as Error).message}: ${hub?.output()}`);
  });
  const base = `http://127.0.0.1:${port}`;
  const victimUrl = `${base}/api/v1/webhooks/hotmart?tenant=${victim.id}`;
  const noiseUrl = (kind: NoiseKind) => (kind === 'scrapes' ? `http://127.0.0.1:${metricsPort}/metrics` : `${base}/api/v1/webhooks/hotmart?tenant=${other.id}`);

  const victimRun = async (): Promise<SteadyRateResult> => {
    // A hub so slow that no delivery completed in the run has no percentiles: its latency is "worse than
    // the run" (Infinity), not a crash of the benchmark.
    const r = await steadyRate({ url: victimUrl, rate: VICTIM_RATE, seconds: DURATION, request: delivery }).catch(
      (err: unknown): SteadyRateResult => {
        process.stdout.write(`  (no percentiles: ${(err as Error).message})\n`);
        return { rate: 0, requests: 0, p50: Infinity, p99: Infinity, max: Infinity, errors: 0 };
      },
    );
    if (r.errors) throw new Error(`${r.errors} of the victim's deliveries failed`);
    return r;
  };

  process.stdout.write(`warming up; then ${ROUNDS} rounds of a quiet and a noisy run of ${DURATION} s per noise, the victim at ${VICTIM_RATE}/s…\n`);
  await steadyRate({ url: victimUrl, rate: VICTIM_RATE, seconds: 3, request: delivery });

  interface Run {
    p50: number;
    p99: number;
    /** CPU seconds per second of the run, per process group (hub, postgres, thisProcess, noise). */
    cores: Record<string, number>;
  }
  const measure = async (noise?: (typeof NOISE)[number]): Promise<Run> => {
    // The noise starts a second before the victim's run and ends a second after it.
    const started = noise ? await startNoise(noise.kind, noiseUrl(noise.kind), noise.rate, DURATION + 2) : undefined;
    if (started) await new Promise((r) => setTimeout(r, 1_000));
    const meter = startCpuMeter({ hub: hub!.child.pid, noise: started?.pid });
    const t0 = Date.now();
    const r = await victimRun();
    const used = meter.read();
    const seconds = (Date.now() - t0) / 1000;
    if (started) noiseResults.push(await started.result);
    // What one run left behind (a backlog, a GC) must not be measured in the next.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    return { p50: r.p50, p99: r.p99, cores: Object.fromEntries(Object.entries(used).map(([k, v]) => [k, v / seconds])) };
  };

  // Each noisy run is paired with a quiet run just before it, so both see the same machine (a shared
  // machine's neighbours come and go); the order of the noises rotates from round to round.
  const pairs: Record<NoiseKind, Array<{ quiet: Run; noisy: Run }>> = { 'bad-signatures': [], duplicates: [], scrapes: [] };
  const noiseResults: NoiseResult[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < NOISE.length; i++) {
      const noise = NOISE[(i + round) % NOISE.length]!;
      const quiet = await measure();
      const noisy = await measure(noise);
      pairs[noise.kind].push({ quiet, noisy });
      process.stdout.write(
        `  round ${round + 1} ${noise.kind.padEnd(14)} victim p99 ${quiet.p99.toFixed(1)} ms quiet, ${noisy.p99.toFixed(1)} ms noisy (p50 ${quiet.p50.toFixed(1)} / ${noisy.p50.toFixed(1)} ms)\n`,
      );
    }
  }

  const rows = NOISE.map((n) => {
    const runs = pairs[n.kind];
    const quietP99 = median(runs.map((r) => r.quiet.p99));
    const p99 = median(runs.map((r) => r.noisy.p99));
    // What one noise request costs the hub: its extra CPU over the paired quiet run, per request sent.
    const hubMicros = median(runs.map((r) => (((r.noisy.cores.hub ?? 0) - (r.quiet.cores.hub ?? 0)) / n.rate) * 1e6));
    return { ...n, runs, quietP99, quietP50: median(runs.map((r) => r.quiet.p50)), p99, p50: median(runs.map((r) => r.noisy.p50)), ratio: p99 / quietP99, hubMicros };
  });
  const fmt = (v: number) => v.toFixed(1).padStart(7);
  const cpu = (runs: Run[], group: string) => median(runs.map((r) => r.cores[group] ?? 0)).toFixed(2).padStart(5);
  const noiseSummary = NOISE.map((n) => {
    const results = noiseResults.filter((r) => r.kind === n.kind);
    const unexpected = results.reduce((sum, r) => sum + r.unexpected, 0);
    return `  ${n.label}: ${results.map((r) => r.rate.toFixed(0)).join(', ')} /s sent per round; unexpected answers: ${unexpected}`;
  });

  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  const rejected = await client.query<{ rows: number; rejections: number }>('SELECT count(*)::int AS rows, coalesce(sum(count), 0)::int AS rejections FROM webhook_rejections');
  await client.end();

  process.stdout.write(
    [
      '',
      `Victim's webhook latency at a steady ${VICTIM_RATE}/s: medians of ${ROUNDS} rounds, each noisy run beside the quiet run just before it:`,
      `| ${'while'.padEnd(44)} | ${'p50 ms'.padStart(7)} | ${'p99 ms'.padStart(7)} | ${'quiet p50'.padStart(9)} | ${'quiet p99'.padStart(9)} | ${'ratio'.padStart(6)} | target | ${'hub µs/noise req.'.padStart(17)} |`,
      `|${'-'.repeat(46)}|${'-'.repeat(9)}|${'-'.repeat(9)}|${'-'.repeat(11)}|${'-'.repeat(11)}|${'-'.repeat(8)}|--------|${'-'.repeat(19)}|`,
      ...rows.map(
        (r) =>
          `| ${r.label.padEnd(44)} | ${fmt(r.p50)} | ${fmt(r.p99)} | ${fmt(r.quietP50).padStart(9)} | ${fmt(r.quietP99).padStart(9)} | ${r.ratio.toFixed(2).padStart(6)} | ${r.ratio <= TARGET_RATIO ? 'PASS' : 'MISS'}   | ${r.hubMicros.toFixed(0).padStart(17)} |`,
      ),
      '',
      `p99 per round, quiet → noisy: ${rows.map((r) => `${r.kind} ${r.runs.map((x) => `${x.quiet.p99.toFixed(0)}→${x.noisy.p99.toFixed(0)}`).join(', ')}`).join('; ')}`,
      '',
      'Cores busy (medians; CPU seconds per second of the run):',
      `| ${'run'.padEnd(22)} | ${'hub'.padStart(5)} | ${'PostgreSQL'.padStart(10)} | ${'victim gen.'.padStart(11)} | ${'noise gen.'.padStart(10)} |`,
      ...rows.flatMap((r) =>
        (['quiet', 'noisy'] as const).map((side) => {
          const runs = r.runs.map((x) => x[side]);
          return `| ${`${r.kind}, ${side}`.padEnd(22)} | ${cpu(runs, 'hub')} | ${cpu(runs, 'postgres').padStart(10)} | ${cpu(runs, 'thisProcess').padStart(11)} | ${cpu(runs, 'noise').padStart(10)} |`;
        }),
      ),
      '',
      'Noise as sent:',
      ...noiseSummary,
      `  webhook_rejections: ${rejected.rows[0]?.rows} rows standing for ${rejected.rows[0]?.rejections} rejections`,
      '',
    ].join('\n'),
  );
  const bench = 'isolation';
  reportFigures([
    ...rows.map((r) => ({
      bench,
      figure: `victim p99 at ${VICTIM_RATE}/s with ${r.label}`,
      value: r.p99,
      unit: 'ms',
      target: `≤ ${TARGET_RATIO}× quiet ${r.quietP99.toFixed(1)} ms (${r.ratio.toFixed(2)}×)`,
      pass: r.ratio <= TARGET_RATIO,
    })),
  ]);
  process.exitCode = rows.every((r) => r.ratio <= TARGET_RATIO) ? 0 : 1;
} finally {
  await hub?.stop();
  rmSync(dataDir, { recursive: true, force: true });
  await database.drop();
}
