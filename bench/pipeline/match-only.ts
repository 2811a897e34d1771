// Diagnostic: the match worker alone. Pre-loads N Hotmart purchases (plus the tracking events behind
// them) through the API's ingest writer on a fresh PostgreSQL database, then runs the match worker in
// this process exactly as `hub worker match` does (same loops and batch size) and measures purchases/s
// until every ingest job is gone. Queries are counted at the pg client (every statement, BEGIN and
// COMMIT included), so "queries per purchase" is what the worker really sends.
//   npx tsx bench/pipeline/match-only.ts [--count 10000]
//
// The mix, per purchase i: half come through a tracked click whose session id rides back in `sck`
// (pass-through), a quarter typed their e-mail on a tracked checkout (identity), the rest are
// unmatched; one in ten also gets Hotmart's PURCHASE_COMPLETE (the same purchase again) and one in
// twenty a refund, so the dedupe and follow-up paths run too.
import { parseArgs } from 'node:util';
import pg from 'pg';
import { createTestDatabase } from '../../test/support/databases.ts';
import { testConfig } from '../../src/config.ts';
import { createSecretBox } from '../../src/lib/secret-box.ts';
import { connectStore } from '../../src/store/connect.ts';
import { migrate } from '../../src/store/migrate.ts';
import { createTenant } from '../../src/store/tenants.ts';
import { upsertConnection } from '../../src/store/connections.ts';
import { createDbQueue } from '../../src/queue/db-queue.ts';
import { createIngestWriter } from '../../src/api/ingest/ingest-writer.ts';
import type { NewEvent } from '../../src/store/database.ts';
import { SessionMemoryCache, buildTrackingEvent, type TrackRequest } from '../../src/domain/tracking/index.ts';
import { getGateway } from '../../src/domain/gateways/index.ts';
import { newId } from '../../src/lib/ids.ts';
import { matchWorkerDeps, runMatchWorker } from '../../src/workers/match/index.ts';
import { webhookBody, type SaleEvent, type SaleFacts } from '../match/gateway-bodies.ts';

const { values } = parseArgs({ options: { count: { type: 'string', default: '10000' } } });
const COUNT = Number(values.count);

let queries = 0;
let monitor: pg.Client | undefined; // the bench's own progress polls, not counted
const originalQuery = pg.Client.prototype.query;
pg.Client.prototype.query = function countedQuery(this: pg.Client, ...args: unknown[]) {
  if (this !== monitor) queries += 1;
  return (originalQuery as (...a: unknown[]) => unknown).apply(this, args);
} as typeof pg.Client.prototype.query;

const database = await createTestDatabase();
const store = await connectStore({ databaseUrl: database.url });
await migrate(store);
const box = createSecretBox(testConfig().encryptionKey!);
const queue = createDbQueue(store.db);
const { tenant } = await createTenant(store.db, { name: 'Match bench' });
await upsertConnection(store.db, box, tenant.id, { kind: 'hotmart', settings: {}, secret: { hottok: 'bench-hottok' }, hintOf: 'bench' });
await upsertConnection(store.db, box, tenant.id, { kind: 'meta', settings: { pixelId: '1234567890' }, secret: { accessToken: 'EAAB' }, hintOf: 'EAAB' });

const now = Date.now();
const sessions = new SessionMemoryCache();
const userAgent = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Safari/604.1';

function trackingEvent(type: 'click' | 'initiate_checkout', at: Date, request: TrackRequest, ip: string): NewEvent {
  const built = buildTrackingEvent(request, { type, tenantId: tenant.id, now: at, userAgent, funnelSlug: null, sessions, newId });
  return {
    id: built.id, tenant_id: tenant.id, type, gateway: null, delivery_key: built.deliveryKey, occurred_at: built.occurredAt, flags: built.flags,
    payload: JSON.stringify(built.payload), raw_body: null, raw_headers: null, evidence_ref: null, client_ip: ip, user_agent: userAgent, error: null,
  };
}

function webhookEvent(event: SaleEvent, sale: SaleFacts): NewEvent {
  const body = Buffer.from(JSON.stringify(webhookBody('hotmart', event, sale)));
  const headers = { 'content-type': 'application/json', 'x-hotmart-hottok': 'bench-hottok' };
  const parsed = getGateway('hotmart')!.parse({ rawBody: body, headers, query: {}, receivedAt: new Date(now) });
  if (!parsed.ok) throw new Error(parsed.reason);
  return {
    id: newId('evt'), tenant_id: tenant.id, type: 'webhook', gateway: 'hotmart', delivery_key: parsed.deliveryId, occurred_at: new Date(now), flags: [],
    payload: JSON.stringify({ query: {}, eventType: parsed.eventType }), raw_body: body, raw_headers: JSON.stringify(headers), evidence_ref: null,
    client_ip: '200.0.0.1', user_agent: 'Hotmart', error: null,
  };
}

const tracking: NewEvent[] = [];
const webhooks: NewEvent[] = [];
for (let i = 0; i < COUNT; i++) {
  const ip = `177.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
  const email = `buyer${i}@example.com`;
  const clickAt = new Date(now - 2 * 86_400_000 + i);
  const sid = newId('sid');
  const visitorId = newId('vis');
  if (i % 2 === 0) {
    const url = `https://lp.example.com/curso?fbclid=IwAR${i}`;
    tracking.push(trackingEvent('click', clickAt, { visitorId, sessionId: sid, url, fbclid: `IwAR${i}`, fbp: `fb.1.${now}.${i}`, eventId: `clk-${i}` }, ip));
  } else if (i % 4 === 1) {
    tracking.push(
      trackingEvent('initiate_checkout', clickAt, { visitorId, sessionId: sid, url: 'https://lp.example.com/checkout', user: { email }, eventId: `ic-${i}`, checkout: { url: 'https://pay.hotmart.com/X' } }, ip),
    );
  }
  const sale: SaleFacts = {
    transactionId: `HP${String(i).padStart(10, '0')}`, deliveryId: crypto.randomUUID(), occurredAt: new Date(now - 60_000), email, phone: `(11) 9${String(10_000_000 + i).slice(-8)}`,
    firstName: 'Ana', lastName: 'Souza', city: 'São Paulo', state: 'SP', zip: '01310-100', ip, value: '197.00', currency: 'BRL', productId: 'prod_1',
    sck: i % 2 === 0 ? sid : null,
  };
  webhooks.push(webhookEvent('purchase', sale));
  if (i % 10 === 3) webhooks.push(webhookEvent('purchase_again', { ...sale, deliveryId: crypto.randomUUID() }));
  if (i % 20 === 7) webhooks.push(webhookEvent('refund', { ...sale, deliveryId: crypto.randomUUID() }));
}

// The real ingest path: group-committed events with their ingest jobs, tracking first (clicks happen before purchases).
const writer = createIngestWriter(store, queue);
for (const rows of [tracking, webhooks]) {
  for (let i = 0; i < rows.length; i += 2000) {
    await Promise.all(rows.slice(i, i + 2000).map((event) => writer.write({ event, enqueue: true })));
  }
  await writer.flush();
}
const jobs = tracking.length + webhooks.length;

queries = 0;
const cpu0 = process.cpuUsage();
const mark0 = process.hrtime.bigint() / 1000n; // µs, the clock of --cpu-prof samples
const t0 = Date.now();
const worker = runMatchWorker(matchWorkerDeps({ store, queue }), 'bench');
for (;;) {
  const { rows } = await readyIngestJobs(database.url);
  if (rows === 0) break;
  await new Promise((r) => setTimeout(r, 50));
}
const seconds = (Date.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
if (process.env.HUB_BENCH_MARKS) process.stderr.write(`marks ${mark0} ${process.hrtime.bigint() / 1000n}\n`);
await worker.stop();
const counted = queries;

const summary = await store.db
  .selectFrom('conversions')
  .select(['kind', 'status', (eb) => eb.fn.countAll<string>().as('n')])
  .groupBy(['kind', 'status'])
  .execute();
const methods = await store.db.selectFrom('matches').select(['method', (eb) => eb.fn.countAll<string>().as('n')]).groupBy('method').execute();
const dead = await store.db.selectFrom('jobs').select((eb) => eb.fn.countAll<string>().as('n')).where('queue', '=', 'ingest-events').executeTakeFirst();
const dispatchJobs = await store.db.selectFrom('jobs').select((eb) => eb.fn.countAll<string>().as('n')).where('queue', '=', 'capi-dispatch').executeTakeFirst();
process.stdout.write(
  `match only: ${COUNT} purchases (${jobs} ingest jobs) in ${seconds.toFixed(2)} s = ${Math.round(COUNT / seconds)} purchases/s, ` +
    `${Math.round(jobs / seconds)} jobs/s; ${counted} queries = ${(counted / COUNT).toFixed(2)} per purchase (${(counted / jobs).toFixed(2)} per job); worker process CPU ${(((cpu.user + cpu.system) / 1e6 / seconds) * 100).toFixed(0)} % of one core\n` +
    `  conversions: ${summary.map((r) => `${r.kind}/${r.status}=${r.n}`).join(' ')}; matches: ${methods.map((r) => `${r.method}=${r.n}`).join(' ')}; ` +
    `ingest jobs left: ${dead?.n}; dispatch jobs: ${dispatchJobs?.n}\n`,
);
await monitor?.end();
await store.close();
await database.drop();

/** Ingest jobs still ready (dead ones are done too), on the bench's own connection. */
async function readyIngestJobs(url: string): Promise<{ rows: number }> {
  if (!monitor) {
    monitor = new pg.Client({ connectionString: url });
    await monitor.connect();
  }
  const result = await monitor.query<{ n: number }>(`SELECT count(*)::int AS n FROM jobs WHERE queue = 'ingest-events' AND status = 'ready'`);
  return { rows: result.rows[0]!.n };
}
