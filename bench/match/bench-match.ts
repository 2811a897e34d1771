// npm run bench:match — the matcher measured against ground truth. Generates a seeded funnel
// (generate-funnel.ts), writes it through the real ingest writer (rows exactly as the tracking and
// webhook routes write them) on a fresh database, runs the real match worker (queue runner + handler)
// as deliveries arrive, and prints precision and recall per method and overall.
//
//   npm run bench:match -- [--people 3000] [--seed 42] [--store postgres|pglite] [--fingerprint]
import { parseArgs } from 'node:util';
import { reportFigures } from '../support/report-figures.ts';
import { sql } from 'kysely';
import { createTestStore, type StoreKind } from '../../test/support/databases.ts';
import { createTenant } from '../../src/store/tenants.ts';
import { createDbQueue } from '../../src/queue/db-queue.ts';
import { createIngestWriter } from '../../src/api/ingest/ingest-writer.ts';
import { startQueueWorker } from '../../src/workers/queue-runner.ts';
import { createMatchHandler, matchWorkerDeps } from '../../src/workers/match/index.ts';
import { SessionMemoryCache, buildTrackingEvent } from '../../src/domain/tracking/index.ts';
import { getGateway } from '../../src/domain/gateways/index.ts';
import type { NewEvent } from '../../src/store/database.ts';
import { newId } from '../../src/lib/ids.ts';
import { generateFunnel, type Delivery, type PurchaseTruth } from './generate-funnel.ts';

export interface BenchOptions {
  seed: number;
  people: number;
  store: StoreKind;
  fingerprint: boolean;
  /** Deliveries written between two worker drains (how "live" the run is). */
  chunk?: number;
}

export interface MethodFigures {
  matched: number;
  correct: number;
  precision: number;
}

export interface BenchReport {
  options: BenchOptions;
  purchases: number;
  recoverable: number;
  recoverableByPassthrough: number;
  recoverableByIdentity: number;
  methods: Record<'passthrough' | 'identity' | 'fingerprint', MethodFigures>;
  unmatched: number;
  overall: MethodFigures & { recall: number };
  falseMatches: number;
  missingConversions: number;
  purchaseCapiEvents: number;
  refunds: { delivered: number; linked: number };
  badInput: { expected: number; flagged: number };
  failedEvents: number;
  deadJobs: number;
  counts: ReturnType<typeof generateFunnel>['counts'];
  seconds: number;
  /** Recoverable purchases not linked to their buyer, and false matches: for --verbose. */
  misses: { gateway: string; transactionId: string; recoverableBy: string | null; method: string; flags: string[]; evidence: unknown }[];
}

export async function runMatchBench(options: BenchOptions): Promise<BenchReport> {
  const started = Date.now();
  const funnel = generateFunnel({ seed: options.seed, people: options.people, endAt: new Date() });
  const store = await createTestStore(options.store);
  try {
    const { tenant } = await createTenant(store.db, { name: 'Bench' });
    if (options.fingerprint) {
      await store.db.updateTable('tenants').set({ settings: JSON.stringify({ fingerprintMatching: true }) }).where('id', '=', tenant.id).execute();
    }
    const queue = createDbQueue(store.db);
    const ingest = createIngestWriter(store, queue);
    const handler = createMatchHandler(matchWorkerDeps({ store, queue, passthroughRetryMs: 50 }));
    const worker = startQueueWorker({ queue, handler, workerId: 'bench', idleMs: 10 });
    const sessions = new SessionMemoryCache();
    const chunk = options.chunk ?? 200;
    try {
      for (let i = 0; i < funnel.deliveries.length; i += chunk) {
        const rows = funnel.deliveries.slice(i, i + chunk).map((d) => eventRow(d, tenant.id, sessions));
        await Promise.all(rows.map((r) => ingest.write(r)));
        await worker.idle();
      }
      await drain(store, worker);
    } finally {
      await worker.stop();
    }
    return await evaluate(store, tenant.id, funnel, options, started);
  } finally {
    await store.dispose();
  }
}

/** The row the tracking or webhook route would write for this delivery. */
function eventRow(d: Delivery, tenantId: string, sessions: SessionMemoryCache): { event: NewEvent; enqueue: boolean } {
  if (d.kind === 'track') {
    const t = d.track;
    const built = buildTrackingEvent(t.request, { type: t.type, tenantId, now: t.at, userAgent: t.userAgent, funnelSlug: 'main', sessions, newId });
    return {
      enqueue: true,
      event: {
        id: built.id, tenant_id: tenantId, type: t.type, gateway: null, delivery_key: built.deliveryKey, occurred_at: built.occurredAt,
        flags: built.flags, payload: JSON.stringify(built.payload), raw_body: null, raw_headers: null, evidence_ref: null,
        client_ip: t.clientIp, user_agent: t.userAgent, error: null,
      },
    };
  }
  const w = d.webhook;
  const module = getGateway(w.gateway)!;
  const parsed = module.parse({ rawBody: w.body, headers: { 'content-type': 'application/json' }, query: {}, receivedAt: w.at });
  const base = {
    id: newId('evt'), tenant_id: tenantId, type: 'webhook' as const, gateway: w.gateway, occurred_at: w.at, raw_body: w.body,
    raw_headers: JSON.stringify({ 'content-type': 'application/json' }), evidence_ref: null, client_ip: null, user_agent: null,
  };
  const payloadMeta = { query: {}, contentType: 'application/json' };
  if (!parsed.ok) {
    return {
      enqueue: false,
      event: { ...base, delivery_key: `unparsed:${base.id}`, status: 'unprocessable', flags: ['unprocessable'], payload: JSON.stringify(payloadMeta), error: parsed.reason },
    };
  }
  return {
    enqueue: true,
    event: {
      ...base, delivery_key: parsed.deliveryId, flags: [], error: null,
      payload: JSON.stringify({ ...payloadMeta, eventType: parsed.eventType, conversions: parsed.conversions.length }),
    },
  };
}

async function drain(store: { db: import('../../src/store/connect.ts').Db }, worker: { idle(): Promise<void> }): Promise<void> {
  for (;;) {
    await worker.idle();
    const row = await sql<{ n: number }>`SELECT count(*)::int AS n FROM jobs WHERE queue = 'ingest-events' AND status = 'ready'`.execute(store.db);
    if ((row.rows[0]?.n ?? 0) === 0) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function evaluate(
  store: { db: import('../../src/store/connect.ts').Db },
  tenantId: string,
  funnel: ReturnType<typeof generateFunnel>,
  options: BenchOptions,
  started: number,
): Promise<BenchReport> {
  const rows = await store.db
    .selectFrom('conversions as c')
    .leftJoin('matches as m', (j) => j.onRef('m.tenant_id', '=', 'c.tenant_id').onRef('m.conversion_id', '=', 'c.id'))
    .select(['c.gateway', 'c.transaction_id', 'c.kind', 'c.flags', 'c.related_id', 'm.method', 'm.visitor_id', 'm.evidence'])
    .where('c.tenant_id', '=', tenantId)
    .execute();
  const byKey = new Map(rows.map((r) => [`${r.gateway}|${r.transaction_id}|${r.kind}`, r]));
  const methods = {
    passthrough: { matched: 0, correct: 0, precision: 1 },
    identity: { matched: 0, correct: 0, precision: 1 },
    fingerprint: { matched: 0, correct: 0, precision: 1 },
  };
  let unmatched = 0;
  let missing = 0;
  let recoveredCorrect = 0;
  let badFlagged = 0;
  const misses: BenchReport['misses'] = [];
  const recoverable = funnel.purchases.filter((p) => p.recoverableBy !== null);
  for (const p of funnel.purchases) {
    const row = byKey.get(`${p.gateway}|${p.transactionId}|purchase`);
    if (!row) {
      missing++;
      continue;
    }
    if (p.badInput && row.flags.includes(p.badInput)) badFlagged++;
    const method = row.method ?? 'unmatched';
    const correct = method !== 'unmatched' && isCorrect(p, row.visitor_id, funnel.visitorPerson);
    if (!correct && (p.recoverableBy !== null || method !== 'unmatched')) {
      misses.push({ gateway: p.gateway, transactionId: p.transactionId, recoverableBy: p.recoverableBy, method, flags: row.flags, evidence: row.evidence });
    }
    if (method === 'unmatched') {
      unmatched++;
      continue;
    }
    const figures = methods[method];
    figures.matched++;
    if (correct) figures.correct++;
    if (correct && p.recoverableBy !== null) recoveredCorrect++;
  }
  for (const f of Object.values(methods)) f.precision = f.matched === 0 ? 1 : f.correct / f.matched;
  const matched = Object.values(methods).reduce((n, f) => n + f.matched, 0);
  const correct = Object.values(methods).reduce((n, f) => n + f.correct, 0);
  const refunds = rows.filter((r) => r.kind === 'refund');
  const capi = await sql<{ n: number }>`SELECT count(*)::int AS n FROM capi_events WHERE tenant_id = ${tenantId} AND event_name = 'Purchase'`.execute(store.db);
  const failed = await sql<{ n: number }>`SELECT count(*)::int AS n FROM events WHERE tenant_id = ${tenantId} AND status IN ('failed', 'unprocessable', 'received')`.execute(store.db);
  const dead = await sql<{ n: number }>`SELECT count(*)::int AS n FROM jobs WHERE status = 'dead'`.execute(store.db);
  return {
    options,
    purchases: funnel.purchases.length,
    recoverable: recoverable.length,
    recoverableByPassthrough: recoverable.filter((p) => p.recoverableBy === 'passthrough').length,
    recoverableByIdentity: recoverable.filter((p) => p.recoverableBy === 'identity').length,
    methods,
    unmatched,
    overall: { matched, correct, precision: matched === 0 ? 1 : correct / matched, recall: recoverable.length === 0 ? 1 : recoveredCorrect / recoverable.length },
    falseMatches: matched - correct,
    missingConversions: missing,
    purchaseCapiEvents: capi.rows[0]?.n ?? 0,
    refunds: { delivered: refunds.length, linked: refunds.filter((r) => r.related_id !== null).length },
    badInput: { expected: funnel.purchases.filter((p) => p.badInput).length, flagged: badFlagged },
    failedEvents: failed.rows[0]?.n ?? 0,
    deadJobs: dead.rows[0]?.n ?? 0,
    counts: funnel.counts,
    seconds: (Date.now() - started) / 1000,
    misses,
  };
}

function isCorrect(p: PurchaseTruth, visitorId: string | null, visitorPerson: Map<string, string>): boolean {
  return visitorId !== null && visitorPerson.get(visitorId) === p.personId;
}

const pct = (x: number) => `${(x * 100).toFixed(2)} %`;

export function formatReport(r: BenchReport): string {
  const line = (name: string, f: MethodFigures) => `  ${name.padEnd(12)} matched ${String(f.matched).padStart(6)}   correct ${String(f.correct).padStart(6)}   precision ${pct(f.precision)}`;
  const targets = [
    ['precision pass-through ≥ 99.9 %', r.methods.passthrough.precision >= 0.999],
    ['precision identity ≥ 99.9 %', r.methods.identity.precision >= 0.999],
    ['no false match (pass-through + identity)', r.methods.passthrough.matched + r.methods.identity.matched - r.methods.passthrough.correct - r.methods.identity.correct === 0],
    ['recall ≥ 95 % of recoverable purchases', r.overall.recall >= 0.95],
  ] as const;
  return [
    `match bench — seed ${r.options.seed}, ${r.options.people} people, ${r.options.store}, fingerprint ${r.options.fingerprint ? 'on' : 'off'} (${r.seconds.toFixed(1)} s)`,
    `  funnel: ${r.counts.devices} devices (${r.counts.adBlockedDevices} ad-blocked), ${r.counts.sessions} visits, ${r.counts.trackingEvents} tracking events, ${r.counts.webhooks} webhook deliveries (${r.counts.duplicates} duplicates, ${r.counts.refunds} refunds)`,
    `  purchases ${r.purchases}; recoverable ${r.recoverable} (pass-through ${r.recoverableByPassthrough}, identity only ${r.recoverableByIdentity}); unmatched ${r.unmatched}`,
    line('passthrough', r.methods.passthrough),
    line('identity', r.methods.identity),
    line('fingerprint', r.methods.fingerprint),
    `  overall      matched ${String(r.overall.matched).padStart(6)}   correct ${String(r.overall.correct).padStart(6)}   precision ${pct(r.overall.precision)}   recall ${pct(r.overall.recall)} of recoverable`,
    `  false matches ${r.falseMatches}; missing conversions ${r.missingConversions}; Purchase CAPI events ${r.purchaseCapiEvents} for ${r.purchases - r.missingConversions} purchases`,
    `  refunds linked to their purchase ${r.refunds.linked}/${r.refunds.delivered}; bad input flagged ${r.badInput.flagged}/${r.badInput.expected}; failed/unprocessable events ${r.failedEvents}; dead jobs ${r.deadJobs}`,
    ...targets.map(([name, ok]) => `  [${ok ? 'ok' : 'MISSED'}] ${name}`),
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      people: { type: 'string', default: '3000' },
      seed: { type: 'string', default: '42' },
      store: { type: 'string', default: 'postgres' },
      fingerprint: { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
    },
  });
  const report = await runMatchBench({
    seed: Number(values.seed),
    people: Number(values.people),
    store: values.store === 'pglite' ? 'pglite' : 'postgres',
    fingerprint: values.fingerprint ?? false,
  });
  console.log(formatReport(report));
  const bench = 'match';
  reportFigures([
    { bench, figure: 'precision pass-through', value: report.methods.passthrough.precision * 100, unit: '%', target: '≥ 99.9 %', pass: report.methods.passthrough.precision >= 0.999 },
    { bench, figure: 'precision identity', value: report.methods.identity.precision * 100, unit: '%', target: '≥ 99.9 %', pass: report.methods.identity.precision >= 0.999 },
    { bench, figure: 'false matches', value: report.falseMatches, unit: '', target: '0', pass: report.falseMatches === 0 },
    { bench, figure: 'recall of recoverable purchases', value: report.overall.recall * 100, unit: '%', target: '≥ 95 %', pass: report.overall.recall >= 0.95 },
  ]);
  if (values.verbose) for (const m of report.misses) console.log(JSON.stringify(m));
}
