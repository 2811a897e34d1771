// `npm run bench:ingest`: throughput and latency of POST /api/v1/track/click — durable before the 202,
// on real PostgreSQL — beside a bare Fastify hello-world in the same run, on the same machine.
// Targets (docs/design "Performance targets"): hub ≥ 50 % of bare Fastify's req/s (autocannon, closed
// loop); p99 < 25 ms at half the hub's own maximum rate, sent at that steady rate (../support/steady-rate).
// Not a test: it prints the figures, and exits 1 when a target is missed.
//   BENCH_DURATION=10 BENCH_CONNECTIONS=32 npm run bench:ingest
import { fileURLToPath } from 'node:url';
import autocannon, { type Result } from 'autocannon';
import pg from 'pg';
import { createTestDatabase } from '../../test/support/databases.ts';
import { startChildServer } from '../support/child-server.ts';
import { reportFigures } from '../support/report-figures.ts';
import { runFigures, steadyRate, type SteadyRateResult } from '../support/steady-rate.ts';
import { createCostLog } from '../support/process-cpu.ts';

const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const script = (name: string) => fileURLToPath(new URL(`../support/${name}`, import.meta.url));
const USER_AGENT = 'Mozilla/5.0 (X11; Linux x86_64) Chrome/140.0 Safari/537.36';

function clickBody(publicKey: string): string {
  return JSON.stringify({
    publicKey,
    url: 'https://lp.example.com/oferta?fbclid=IwAR2F4-dbP0l7bench&utm_source=facebook&utm_medium=paid&utm_campaign=bench',
    referrer: 'https://l.facebook.com/',
    fbp: 'fb.1.1700000000000.1234567890',
    utm: { source: 'facebook', medium: 'paid', campaign: 'bench' },
  });
}

async function load(url: string, body: string): Promise<Result> {
  const result = await autocannon({
    url,
    method: 'POST',
    headers: { 'content-type': 'text/plain;charset=UTF-8', 'user-agent': USER_AGENT },
    body,
    connections: CONNECTIONS,
    duration: DURATION,
  });
  if (result.errors || result.timeouts || result.non2xx) {
    throw new Error(`${url}: ${result.errors} errors, ${result.timeouts} timeouts, ${result.non2xx} non-2xx answers`);
  }
  return result;
}

const database = await createTestDatabase();
const bare = await startChildServer<{ port: number }>(script('hello-server.ts'));
const hub = await startChildServer<{ port: number; publicKey: string }>(script('hub-server.ts'), { HUB_BENCH_DATABASE_URL: database.url });
try {
  const hubUrl = `http://127.0.0.1:${hub.info.port}/api/v1/track/click`;
  const body = clickBody(hub.info.publicKey);
  // warm both up (JIT, connection pools, the pixel-free code paths) before measuring
  await Promise.all([
    autocannon({ url: `http://127.0.0.1:${bare.info.port}/`, method: 'POST', body, connections: 8, duration: 2 }),
    autocannon({ url: hubUrl, method: 'POST', body, headers: { 'content-type': 'text/plain' }, connections: 8, duration: 2 }),
  ]);

  process.stdout.write(`measuring ${DURATION} s each, ${CONNECTIONS} connections…\n`);
  // CPU of each process over each run, per request: the server's own, PostgreSQL's, the load generator's.
  const cost = createCostLog();
  const bareMax = await cost.metered('bare Fastify, max', bare.pid, () => load(`http://127.0.0.1:${bare.info.port}/api/v1/track/click`, body), (r) => r.requests.total);
  const hubMax = await cost.metered('hub /track/click, max', hub.pid, () => load(hubUrl, body), (r) => r.requests.total);
  const halfRate = Math.max(1, Math.round(hubMax.requests.average / 2));
  const hubHalf = await cost.metered(`hub /track/click, ${halfRate}/s steady`, hub.pid, () => steadyRate({
    url: hubUrl,
    rate: halfRate,
    seconds: DURATION,
    request: () => ({ body, headers: { 'content-type': 'text/plain;charset=UTF-8', 'user-agent': USER_AGENT } }),
  }), (r) => r.requests);
  if (hubHalf.errors) throw new Error(`${hubUrl}: ${hubHalf.errors} failed requests at ${halfRate}/s`);

  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  const stored = await client.query<{ events: number; jobs: number }>(
    `SELECT (SELECT count(*)::int FROM events) AS events, (SELECT count(*)::int FROM jobs WHERE queue = 'ingest-events') AS jobs`,
  );
  await client.end();

  const ratio = hubMax.requests.average / bareMax.requests.average;
  const row = (name: string, r: Result | SteadyRateResult) => {
    const { rate, p50, p99 } = runFigures(r);
    return `| ${name.padEnd(28)} | ${rate.toFixed(0).padStart(8)} | ${p50.toFixed(2).padStart(8)} | ${p99.toFixed(2).padStart(8)} |`;
  };
  const bareCost = cost.serverMicros('bare Fastify, max');
  const hubCost = cost.serverMicros('hub /track/click, max');
  const lines = [
    '',
    `| ${'run'.padEnd(28)} | ${'req/s'.padStart(8)} | ${'p50 ms'.padStart(8)} | ${'p99 ms'.padStart(8)} |`,
    `|${'-'.repeat(30)}|${'-'.repeat(10)}|${'-'.repeat(10)}|${'-'.repeat(10)}|`,
    row('bare Fastify, max', bareMax),
    row('hub /track/click, max', hubMax),
    row(`hub /track/click, ${halfRate}/s steady`, hubHalf),
    '',
    ...cost.table(),
    '',
    `hub / bare CPU per request (server process, at maximum): ${(hubCost / bareCost).toFixed(1)}×`,
    `hub / bare throughput: ${(ratio * 100).toFixed(1)} %   (target ≥ 50 %)  ${ratio >= 0.5 ? 'PASS' : 'MISS'}`,
    `hub p99 at half load:  ${hubHalf.p99.toFixed(2)} ms   (target < 25 ms) ${hubHalf.p99 < 25 ? 'PASS' : 'MISS'}`,
    `stored: ${stored.rows[0]?.events} events, ${stored.rows[0]?.jobs} ingest jobs (every 202 durable with its job)`,
    '',
  ];
  process.stdout.write(lines.join('\n'));
  const bench = process.env.BENCH_LABEL ?? 'ingest';
  reportFigures([
    { bench, figure: 'bare Fastify, max', value: bareMax.requests.average, unit: 'req/s' },
    { bench, figure: '/track/click, max', value: hubMax.requests.average, unit: 'req/s', target: '≥ 50 % of bare', pass: ratio >= 0.5, baseline: bareMax.requests.average },
    { bench, figure: '/track/click server CPU per request, max', value: hubCost, unit: 'µs', baseline: bareCost },
    { bench, figure: '/track/click p50 at half load', value: hubHalf.p50, unit: 'ms' },
    { bench, figure: '/track/click p99 at half load', value: hubHalf.p99, unit: 'ms', target: '< 25 ms', pass: hubHalf.p99 < 25 },
  ]);
  process.exitCode = ratio >= 0.5 && hubHalf.p99 < 25 ? 0 : 1;
} finally {
  await Promise.all([bare.stop(), hub.stop()]);
  await database.drop();
}
