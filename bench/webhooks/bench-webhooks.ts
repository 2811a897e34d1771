// `npm run bench:webhooks`: signed Hotmart and Stripe deliveries against the hub on real PostgreSQL —
// verified, stored durably with their job before the 200 — beside a bare Fastify hello-world in the same
// run. Every request carries a new delivery (fresh ids, fresh Stripe signature), so nothing is answered
// from the duplicate path. Target (issue #4): p99 < 25 ms at 1,000 deliveries/s, sent at that steady rate
// (../support/steady-rate); the maxima are autocannon's, closed loop.
//   BENCH_DURATION=10 BENCH_CONNECTIONS=32 npm run bench:webhooks
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import autocannon, { type Result } from 'autocannon';
import pg from 'pg';
import Stripe from 'stripe';
import { testConfig } from '../../src/config.ts';
import { createSecretBox } from '../../src/lib/secret-box.ts';
import { connectStore } from '../../src/store/connect.ts';
import { upsertConnection } from '../../src/store/connections.ts';
import { createTestDatabase } from '../../test/support/databases.ts';
import { gatewayFixture } from '../../test/support/signed-webhooks.ts';
import { startChildServer } from '../support/child-server.ts';
import { reportFigures } from '../support/report-figures.ts';
import { createCostLog } from '../support/process-cpu.ts';
import { runFigures, steadyRate, type SteadyRateResult } from '../support/steady-rate.ts';

const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const RATE = Number(process.env.BENCH_RATE ?? 1000);
const HOTTOK = 'bench-hottok-0123456789';
const STRIPE_SECRET = 'whsec_bench_0123456789abcdef';
const script = (name: string) => fileURLToPath(new URL(`../support/${name}`, import.meta.url));

type Gateway = 'hotmart' | 'stripe';

function delivery(gateway: Gateway): { body: string; headers: Record<string, string> } {
  const unique = randomUUID();
  if (gateway === 'hotmart') {
    const fixture = gatewayFixture('hotmart', 'purchase-approved') as { data: { purchase: Record<string, unknown> } };
    const body = JSON.stringify({ ...fixture, id: unique, data: { ...fixture.data, purchase: { ...fixture.data.purchase, transaction: `HP${unique}` } } });
    return { body, headers: { 'content-type': 'application/json', 'x-hotmart-hottok': HOTTOK } };
  }
  const fixture = gatewayFixture('stripe', 'payment-intent-succeeded') as { data: { object: Record<string, unknown> } };
  const body = JSON.stringify({ ...fixture, id: `evt_${unique}`, data: { ...fixture.data, object: { ...fixture.data.object, id: `pi_${unique}` } } });
  const signature = Stripe.webhooks.generateTestHeaderString({ payload: body, secret: STRIPE_SECRET });
  return { body, headers: { 'content-type': 'application/json', 'stripe-signature': signature } };
}

async function load(url: string, gateway: Gateway | 'bare'): Promise<Result> {
  const result = await autocannon({
    url,
    method: 'POST',
    connections: CONNECTIONS,
    duration: DURATION,
    requests: [
      {
        setupRequest: (req) => {
          const d = delivery(gateway === 'bare' ? 'hotmart' : gateway);
          return { ...req, body: d.body, headers: { ...req.headers, ...d.headers } };
        },
      },
    ],
  });
  if (result.errors || result.timeouts || result.non2xx) {
    throw new Error(`${url}: ${result.errors} errors, ${result.timeouts} timeouts, ${result.non2xx} non-2xx answers`);
  }
  return result;
}

async function atRate(url: string, gateway: Gateway): Promise<SteadyRateResult> {
  const result = await steadyRate({ url, rate: RATE, seconds: DURATION, request: () => delivery(gateway) });
  if (result.errors) throw new Error(`${url}: ${result.errors} failed deliveries at ${RATE}/s`);
  return result;
}

const database = await createTestDatabase();
const bare = await startChildServer<{ port: number }>(script('hello-server.ts'));
const hub = await startChildServer<{ port: number; publicKey: string }>(script('hub-server.ts'), { HUB_BENCH_DATABASE_URL: database.url });
try {
  // Connect the bench tenant's gateways (the server uses the test configuration's encryption key).
  const store = await connectStore({ databaseUrl: database.url, poolSize: 1 });
  const tenant = await store.db.selectFrom('tenants').select('id').where('public_key', '=', hub.info.publicKey).executeTakeFirstOrThrow();
  const box = createSecretBox(testConfig().encryptionKey!);
  await upsertConnection(store.db, box, tenant.id, { kind: 'hotmart', settings: {}, secret: { hottok: HOTTOK }, hintOf: HOTTOK });
  await upsertConnection(store.db, box, tenant.id, { kind: 'stripe', settings: {}, secret: { webhookSecrets: [STRIPE_SECRET] }, hintOf: STRIPE_SECRET });
  await store.close();

  const url = (gw: Gateway) => `http://127.0.0.1:${hub.info.port}/api/v1/webhooks/${gw}?tenant=${tenant.id}`;
  await Promise.all([
    autocannon({ url: `http://127.0.0.1:${bare.info.port}/`, method: 'POST', body: '{}', connections: 8, duration: 2 }),
    load(url('hotmart'), 'hotmart').catch(() => undefined),
  ]);

  process.stdout.write(`measuring ${DURATION} s each, ${CONNECTIONS} connections…\n`);
  // CPU of each process over each run, per request: the server's own, PostgreSQL's, the load generator's.
  const cost = createCostLog();
  const total = (r: Result) => r.requests.total;
  const bareMax = await cost.metered('bare Fastify, max', bare.pid, () => load(`http://127.0.0.1:${bare.info.port}/`, 'bare'), total);
  const hotmartMax = await cost.metered('hub Hotmart webhooks, max', hub.pid, () => load(url('hotmart'), 'hotmart'), total);
  const stripeMax = await cost.metered('hub Stripe webhooks, max', hub.pid, () => load(url('stripe'), 'stripe'), total);
  const hotmartRate = await cost.metered(`hub Hotmart webhooks, ${RATE}/s steady`, hub.pid, () => atRate(url('hotmart'), 'hotmart'), (r) => r.requests);
  const stripeRate = await cost.metered(`hub Stripe webhooks, ${RATE}/s steady`, hub.pid, () => atRate(url('stripe'), 'stripe'), (r) => r.requests);

  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  const stored = await client.query<{ events: number; jobs: number }>(
    `SELECT (SELECT count(*)::int FROM events WHERE type = 'webhook' AND status = 'received') AS events,
            (SELECT count(*)::int FROM jobs WHERE queue = 'ingest-events') AS jobs`,
  );
  await client.end();

  const row = (name: string, r: Result | SteadyRateResult) => {
    const { rate, p50, p99 } = runFigures(r);
    return `| ${name.padEnd(34)} | ${rate.toFixed(0).padStart(8)} | ${p50.toFixed(2).padStart(8)} | ${p99.toFixed(2).padStart(8)} | ${((rate / bareMax.requests.average) * 100).toFixed(1).padStart(7)} % |`;
  };
  const p99 = Math.max(hotmartRate.p99, stripeRate.p99);
  process.stdout.write(
    [
      '',
      `| ${'run'.padEnd(34)} | ${'req/s'.padStart(8)} | ${'p50 ms'.padStart(8)} | ${'p99 ms'.padStart(8)} | ${'of bare'.padStart(9)} |`,
      `|${'-'.repeat(36)}|${'-'.repeat(10)}|${'-'.repeat(10)}|${'-'.repeat(10)}|${'-'.repeat(11)}|`,
      row('bare Fastify, max', bareMax),
      row('hub Hotmart webhooks, max', hotmartMax),
      row('hub Stripe webhooks, max', stripeMax),
      row(`hub Hotmart webhooks, ${RATE}/s steady`, hotmartRate),
      row(`hub Stripe webhooks, ${RATE}/s steady`, stripeRate),
      '',
      ...cost.table(),
      '',
      `p99 at ${RATE} deliveries/s: ${p99.toFixed(2)} ms (target < 25 ms) ${p99 < 25 ? 'PASS' : 'MISS'}`,
      `stored: ${stored.rows[0]?.events} webhook events, ${stored.rows[0]?.jobs} ingest jobs (every 200 durable with its job)`,
      '',
    ].join('\n'),
  );
  const bench = 'webhooks';
  reportFigures([
    { bench, figure: 'bare Fastify req/s', value: bareMax.requests.average, unit: 'req/s' },
    { bench, figure: 'Hotmart deliveries/s (max)', value: hotmartMax.requests.average, unit: 'req/s', baseline: bareMax.requests.average },
    { bench, figure: 'Stripe deliveries/s (max)', value: stripeMax.requests.average, unit: 'req/s', baseline: bareMax.requests.average },
    { bench, figure: `p99 at ${RATE}/s (worst of both)`, value: p99, unit: 'ms', target: '< 25 ms', pass: p99 < 25 },
  ]);
  process.exitCode = p99 < 25 ? 0 : 1;
} finally {
  await Promise.all([bare.stop(), hub.stop()]);
  await database.drop();
}
