// Risk (issue 15, finding 4): forged deliveries against one tenant's URL write a row each, so a flood
// loads the database every tenant's deliveries need (p95 90 ms → 514 ms at ~300/s); random tenant ids
// cost a database lookup each, from one address without limit; and the cap on that address must never
// refuse a real delivery to a tenant the hub knows. And a valid delivery replayed a thousand times must not
// cost a database write each.
import { SelectQueryNode, InsertQueryNode, type KyselyPlugin } from 'kysely';
import { describe, expect, it } from 'vitest';
import { bearer, buildTestApp, createTenantViaApi } from '../../../../test/support/app.ts';
import { STORE_KINDS } from '../../../../test/support/databases.ts';
import { gatewayFixture, signedHotmart } from '../../../../test/support/signed-webhooks.ts';

const HOTTOK = 'hottok-of-the-flooded-tenant-1';

/** Counts the statements that read a table or insert into one, by name. */
function countQueries() {
  const reads = new Map<string, number>();
  const inserts = new Map<string, number>();
  const bump = (m: Map<string, number>, table: string) => m.set(table, (m.get(table) ?? 0) + 1);
  const plugin: KyselyPlugin = {
    transformQuery({ node }) {
      const text = JSON.stringify(node);
      const table = /"kind":"TableNode","table":\{"kind":"SchemableIdentifierNode","identifier":\{"kind":"IdentifierNode","name":"([a-z_]+)"/.exec(text)?.[1] ?? '?';
      if (SelectQueryNode.is(node)) bump(reads, table);
      if (InsertQueryNode.is(node)) bump(inserts, table);
      return node;
    },
    transformResult: async ({ result }) => result,
  };
  return { plugin, reads, inserts };
}

async function setup(kind: (typeof STORE_KINDS)[number]) {
  const q = countQueries();
  const ingestWrites = { count: 0 };
  const t = await buildTestApp({
    kind,
    config: { logLevel: 'warn' },
    extendDeps: (deps) => ({
      ...deps,
      store: { ...deps.store, db: deps.store.db.withPlugin(q.plugin) },
      ingest: { write: (item) => (ingestWrites.count++, deps.ingest.write(item)), flush: () => deps.ingest.flush() },
    }),
  });
  const tenant = await createTenantViaApi(t.app, 'Flooded');
  await t.app.inject({ method: 'PUT', url: '/api/v1/connections/hotmart', headers: bearer(tenant.secretKey), payload: { hottok: HOTTOK } });
  return { t, tenant, q, ingestWrites };
}

const purchase = (id: string) => ({ ...(gatewayFixture('hotmart', 'purchase-approved') as object), id });

describe.each(STORE_KINDS)('a flood of deliveries that fail authentication, on %s', (kind) => {
  it('writes no row per request: counted in memory, stored as a few rows whose counts add up, and the metric counts each', async () => {
    const { t, tenant, q } = await setup(kind);
    try {
      const forged = signedHotmart(tenant.id, 'not-the-hottok', purchase('forged'));
      const started = Date.now();
      const answers = [];
      for (let i = 0; i < 6; i++) {
        answers.push(
          ...(await Promise.all(
            Array.from({ length: 50 }, (_, j) =>
              t.app.inject({ method: 'POST', url: forged.url, headers: forged.headers, payload: forged.body, remoteAddress: `203.0.113.${(i * 50 + j) % 7}` }),
            ),
          )),
        );
      }
      expect(answers.map((r) => r.statusCode)).toEqual(Array(300).fill(401));
      // One insert per 10 s flush at most (none at all unless this machine is slow), never one per request.
      const flushes = () => 1 + Math.floor((Date.now() - started) / 10_000);
      expect(q.inserts.get('webhook_rejections') ?? 0).toBeLessThan(flushes());
      const metric = (await t.deps.metrics.webhookRejections.get()).values.find((v) => v.labels.reason === 'bad_signature');
      expect(metric?.value).toBe(300);

      await t.app.close(); // the onClose hook writes the counts
      const inserts = q.inserts.get('webhook_rejections') ?? 0;
      expect(inserts).toBeGreaterThanOrEqual(1);
      expect(inserts).toBeLessThanOrEqual(flushes());
      const rows = await t.store.db.selectFrom('webhook_rejections').selectAll().where('tenant_id', '=', tenant.id).execute();
      expect(rows.length).toBeLessThanOrEqual(5 * inserts); // at most 5 addresses per key and flush
      expect(rows.reduce((n, r) => n + r.count, 0)).toBe(300);
      expect(rows.every((r) => r.reason.startsWith('bad_signature') && r.gateway === 'hotmart')).toBe(true);
      expect(JSON.stringify(rows)).not.toContain('forged');
    } finally {
      await t.close();
    }
  });

  it('spends no lookup on unknown tenant ids for an address over its budget, answers it as before, and still takes its real deliveries', async () => {
    const { t, tenant, q } = await setup(kind);
    try {
      const address = '198.51.100.77';
      const random = (i: number) => `ten_${i.toString(16).padStart(32, '0')}`;
      const statuses: number[] = [];
      const tenantReads = () => q.reads.get('tenants') ?? 0;
      let readsAtCap = 0;
      for (let i = 0; i < 200; i++) {
        if (i === 120) readsAtCap = tenantReads();
        const d = signedHotmart(random(i + 1), HOTTOK, purchase(`probe-${i}`));
        const res = await t.app.inject({ method: 'POST', url: d.url, headers: d.headers, payload: d.body, remoteAddress: address });
        statuses.push(res.statusCode);
      }
      // The same answer before and after the cap: a prober learns nothing from it.
      expect(statuses).toEqual(Array(200).fill(401));
      expect(readsAtCap).toBeGreaterThanOrEqual(120); // one lookup per unknown id up to the cap
      // Past it: no lookup per request (every tenant id is read at once, again at most every 5 s).
      expect(tenantReads() - readsAtCap).toBeLessThanOrEqual(2);
      const throttled = (await t.deps.metrics.webhookRejections.get()).values.find((v) => v.labels.reason === 'throttled');
      expect(throttled?.value).toBe(80);

      // Another address is not affected, and the capped address's real delivery to an existing tenant lands,
      // though this process never received one for it before.
      const probe = signedHotmart(random(999), HOTTOK, purchase('other-address'));
      expect((await t.app.inject({ method: 'POST', url: probe.url, headers: probe.headers, payload: probe.body, remoteAddress: '192.0.2.10' })).statusCode).toBe(401);
      const real = signedHotmart(tenant.id, HOTTOK, purchase('real-delivery-from-a-capped-address'));
      const landed = await t.app.inject({ method: 'POST', url: real.url, headers: real.headers, payload: real.body, remoteAddress: address });
      expect(landed.statusCode).toBe(200);
    } finally {
      await t.close();
    }
  });

  it('answers a valid delivery replayed 300 times as the duplicate it is, without a database write each', async () => {
    const { t, tenant, ingestWrites } = await setup(kind);
    try {
      const d = signedHotmart(tenant.id, HOTTOK, purchase('replayed-delivery'));
      const send = () => t.app.inject({ method: 'POST', url: d.url, headers: d.headers, payload: d.body });
      const first = await send();
      expect(first.json()).toMatchObject({ received: true, duplicate: false });
      const writesAfterFirst = ingestWrites.count;
      const copies = await Promise.all(Array.from({ length: 300 }, send));
      expect(copies.map((r) => r.statusCode)).toEqual(Array(300).fill(200));
      expect(new Set(copies.map((r) => JSON.stringify(r.json())))).toEqual(new Set([JSON.stringify({ received: true, id: first.json().id, duplicate: true })]));
      expect(ingestWrites.count).toBe(writesAfterFirst);
      const events = await t.store.db.selectFrom('events').select('id').where('tenant_id', '=', tenant.id).where('type', '=', 'webhook').execute();
      expect(events).toHaveLength(1);
      const duplicates = (await t.deps.metrics.ingested.get()).values.find((v) => v.labels.outcome === 'duplicate');
      expect(duplicates?.value).toBe(300);
    } finally {
      await t.close();
    }
  });
});
