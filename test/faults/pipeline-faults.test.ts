// The "nothing lost" invariant under fire. On real PostgreSQL, 2 API processes, 2 match workers and
// 2 dispatch workers run as child processes while this suite kill -9s random workers every few
// seconds, cuts every database connection once mid-run (terminating the backends: restarting the
// shared server is not possible in CI), makes the Meta sandbox fail 20 % of requests (5xx,
// throttling, timeouts), and delivers 10 % of webhooks twice and some refunds before their purchase.
// At the end: every accepted event reached its end state, every expected event_id arrived at the
// sandbox, no conversion was created twice, nothing is stuck claimed. Runs on the database queue
// driver and on the SQS driver (local emulator).
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectStore, type Store } from '../../src/store/connect.ts';
import { migrate } from '../../src/store/migrate.ts';
import { createTenant } from '../../src/store/tenants.ts';
import { upsertConnection } from '../../src/store/connections.ts';
import { createSecretBox } from '../../src/lib/secret-box.ts';
import { startMetaSandbox, type RunningMetaSandbox } from '../../src/sandbox/meta/index.ts';
import { createTestDatabase } from '../support/databases.ts';
import { startSqsEmulator, type SqsEmulator } from '../support/emulators.ts';
import { freePort, spawnHub, waitReady, waitUntil, type HubProcess } from '../support/hub-processes.ts';
import { gatewayFixture, signedHotmart } from '../support/signed-webhooks.ts';

const PURCHASES = Number(process.env.HUB_FAULT_PURCHASES ?? 300);
const KEY_HEX = 'a1'.repeat(32);
const HOTTOK = 'fault-suite-hottok-0001';
const PIXEL = '1234567890123';

interface Scenario {
  driver: 'db' | 'sqs';
}

const DRIVERS = (process.env.HUB_FAULT_DRIVERS ?? 'db,sqs').split(',') as Array<Scenario['driver']>;

describe.each<Scenario>(DRIVERS.map((driver) => ({ driver })))('fault suite on the $driver queue driver', ({ driver }) => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let store: Store;
  let sandbox: RunningMetaSandbox;
  let sqs: SqsEmulator | undefined;
  let env: Record<string, string>;
  const apis: HubProcess[] = [];
  const workers: HubProcess[] = [];
  let tenantId = '';
  let publicKey = '';

  beforeAll(async () => {
    database = await createTestDatabase();
    store = await connectStore({ databaseUrl: database.url, poolSize: 4 });
    await migrate(store);
    sandbox = await startMetaSandbox({ port: 0, host: '127.0.0.1', throttleRetryAfterSeconds: 1, hangMs: 3000 });
    const created = await createTenant(store.db, { name: `Faults ${driver}` });
    tenantId = created.tenant.id;
    publicKey = created.publicKey;
    const box = createSecretBox(Buffer.from(KEY_HEX, 'hex'));
    await upsertConnection(store.db, box, tenantId, {
      kind: 'meta',
      settings: { pixelId: PIXEL, testEventCode: null, graphApiVersion: null },
      secret: { accessToken: 'EAAfaultsuitetoken' },
      hintOf: 'EAAfaultsuitetoken',
    });
    await upsertConnection(store.db, box, tenantId, { kind: 'hotmart', settings: {}, secret: { hottok: HOTTOK }, hintOf: HOTTOK });
    env = {
      HUB_DATABASE_URL: database.url,
      HUB_ENCRYPTION_KEY: KEY_HEX,
      HUB_PUBLIC_URL: 'https://hub.faults.example',
      HUB_META_GRAPH_URL: sandbox.url,
      HUB_QUEUE: driver,
      HUB_RATE_LIMIT_PER_MINUTE: '1000000',
      HUB_SHUTDOWN_TIMEOUT_MS: '5000',
    };
    if (driver === 'sqs') {
      sqs = await startSqsEmulator();
      Object.assign(env, {
        AWS_ENDPOINT_URL_SQS: sqs.endpoint,
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
        HUB_SQS_QUEUE_PREFIX: `faults-${Date.now().toString(36)}-`,
      });
    }
    for (const i of [1, 2]) apis.push(spawnHub(`api-${i}`, ['api'], env, await freePort()));
    for (const i of [1, 2]) workers.push(spawnHub(`match-${i}`, ['worker', 'match'], env));
    for (const i of [1, 2]) workers.push(spawnHub(`dispatch-${i}`, ['worker', 'dispatch'], env));
    await Promise.all(apis.map((p) => waitReady(p)));
  }, 180_000);

  // Set while the chaos loop runs, so a failing test still stops it before the processes are killed
  // (otherwise it would go on restarting workers after the suite).
  let stopChaos: (() => Promise<void>) | undefined;

  afterAll(async () => {
    await stopChaos?.();
    await Promise.allSettled([...apis, ...workers].map((p) => p.kill9()));
    await store?.close();
    await sandbox?.close();
    await sqs?.stop();
    await database?.drop();
  });

  it('loses nothing and counts nothing twice', async () => {
    let kills = 0;
    let connectionCuts = 0;
    let chaos = true;

    // Gateways retry until they get a 2xx; so does this sender (an API may briefly lose its database).
    const post = async (url: string, headers: Record<string, string>, body: string): Promise<Response> => {
      for (let attempt = 0; ; attempt++) {
        const api = apis[attempt % apis.length]!;
        try {
          const res = await fetch(`http://127.0.0.1:${api.port}${url}`, { method: 'POST', headers, body });
          if (res.status < 500) return res;
        } catch {
          // connection refused or reset: retry like a gateway would
        }
        if (attempt > 50) throw new Error(`gave up on ${url}`);
        await new Promise((r) => setTimeout(r, 100 + attempt * 50));
      }
    };

    const chaosLoop = (async () => {
      const admin = new pg.Client({ connectionString: database.url });
      admin.on('error', () => undefined);
      await admin.connect();
      try {
        let round = 0;
        while (chaos) {
          await new Promise((r) => setTimeout(r, 2500));
          if (!chaos) break;
          round++;
          const i = Math.floor(Math.random() * workers.length);
          const victim = workers[i]!;
          await victim.kill9();
          kills++;
          const [kind] = victim.name.split('-');
          workers[i] = spawnHub(victim.name, ['worker', kind!], env);
          if (round === 2) {
            // Cut every connection of the hub's processes to the database once.
            await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()');
            connectionCuts++;
          }
        }
      } finally {
        await admin.end().catch(() => undefined);
      }
    })();

    stopChaos = async () => {
      chaos = false;
      await chaosLoop;
    };
    sandbox.setFaults({ rate: 0.2, modes: ['5xx', 'throttle', 'timeout'], seed: 7 });

    const now = Date.now();
    const base = gatewayFixture('hotmart', 'purchase-approved-with-origin') as {
      data: { purchase: Record<string, unknown>; buyer: Record<string, unknown> };
    };
    let duplicatesSent = 0;
    let refundsFirst = 0;
    const transactions: string[] = [];

    const sendOne = async (i: number) => {
      const click = await post(
        '/api/v1/track/click',
        { 'content-type': 'application/json', 'user-agent': 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X)' },
        JSON.stringify({ publicKey, url: `https://lp.example.com/oferta?fbclid=fault${i}&utm_source=fb`, fbclid: `fault${i}` }),
      );
      const { sessionId } = (await click.json()) as { sessionId: string };
      const transaction = `HP-FAULT-${driver}-${i}`;
      transactions.push(transaction);
      const purchase = (event: string, status: string, deliveryId: string) => ({
        ...base,
        id: deliveryId,
        event,
        creation_date: now,
        data: {
          ...base.data,
          buyer: { ...base.data.buyer, email: `buyer${i}@example.com` },
          purchase: {
            ...base.data.purchase,
            transaction,
            status,
            approved_date: now - 1000,
            order_date: now - 2000,
            origin: { sck: sessionId, src: 'fb_ads' },
          },
        },
      });
      const deliver = async (payload: unknown) => {
        const d = signedHotmart(tenantId, HOTTOK, payload);
        const res = await post(d.url, d.headers, d.body);
        expect(res.status).toBe(200);
      };
      if (i % 20 === 0) {
        refundsFirst++;
        await deliver(purchase('PURCHASE_REFUNDED', 'REFUNDED', `refund-${driver}-${i}`));
      }
      const approved = purchase('PURCHASE_APPROVED', 'APPROVED', `approved-${driver}-${i}`);
      await deliver(approved);
      if (i % 10 === 3) {
        duplicatesSent++;
        await deliver(approved);
      }
    };

    const concurrency = 12;
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < PURCHASES) await sendOne(next++);
      }),
    );

    // Let the chaos go on while the backlog drains, then stop it and wait for the end state.
    await new Promise((r) => setTimeout(r, 5000));
    await stopChaos();

    const count = async (q: string, params: unknown[] = []) => {
      const client = new pg.Client({ connectionString: database.url });
      client.on('error', () => undefined);
      await client.connect();
      try {
        return Number((await client.query(q, params)).rows[0]?.n ?? 0);
      } finally {
        await client.end();
      }
    };
    const diagnose = async () => {
      const client = new pg.Client({ connectionString: database.url });
      client.on('error', () => undefined);
      await client.connect();
      try {
        for (const q of [
          `SELECT event_name, status, last_error, count(*) FROM capi_events GROUP BY 1, 2, 3 ORDER BY 4 DESC LIMIT 10`,
          `SELECT type, status, error, count(*) FROM events GROUP BY 1, 2, 3 ORDER BY 4 DESC LIMIT 10`,
          `SELECT queue, status, attempts, last_error, count(*) FROM jobs GROUP BY 1, 2, 3, 4 ORDER BY 5 DESC LIMIT 10`,
          `SELECT outcome, error_code, error_message, count(*) FROM dispatch_attempts GROUP BY 1, 2, 3 ORDER BY 4 DESC LIMIT 10`,
          `SELECT count(*) AS outbox FROM outbox`,
        ]) {
          console.log(q.split(' FROM ')[1]?.split(' ')[0], JSON.stringify((await client.query(q)).rows));
        }
      } finally {
        await client.end();
      }
      for (const p of [...apis, ...workers]) console.log(`--- ${p.name}\n${p.output().slice(-3000)}`);
    };
    await waitUntil(
      'every purchase sent to Meta',
      async () =>
        (await count(`SELECT count(*) AS n FROM capi_events WHERE tenant_id = $1 AND event_name = 'Purchase' AND status = 'sent'`, [tenantId])) ===
        PURCHASES,
      240_000,
      1000,
    ).catch(async (err) => {
      await diagnose();
      throw err;
    });
    await waitUntil('queues drained', async () => (await count(`SELECT count(*) AS n FROM jobs`)) === 0 && (await count(`SELECT count(*) AS n FROM outbox`)) === 0, 120_000, 1000);

    const purchases = await count(`SELECT count(*) AS n FROM conversions WHERE tenant_id = $1 AND kind = 'purchase'`, [tenantId]);
    const distinctPurchases = await count(`SELECT count(DISTINCT transaction_id) AS n FROM conversions WHERE tenant_id = $1 AND kind = 'purchase'`, [tenantId]);
    const refunds = await count(`SELECT count(*) AS n FROM conversions WHERE tenant_id = $1 AND kind = 'refund'`, [tenantId]);
    const stuckEvents = await count(`SELECT count(*) AS n FROM events WHERE tenant_id = $1 AND status = 'received'`, [tenantId]);
    const webhookEvents = await count(`SELECT count(*) AS n FROM events WHERE tenant_id = $1 AND type = 'webhook'`, [tenantId]);
    const claimed = await count(`SELECT count(*) AS n FROM jobs WHERE locked_until > now()`);

    const expectedIds = new Set(
      (
        await store.db.selectFrom('capi_events').select('event_id').where('tenant_id', '=', tenantId).where('event_name', '=', 'Purchase').execute()
      ).map((r) => r.event_id),
    );
    const received = sandbox.recorder.events().filter((e) => e.eventName === 'Purchase');
    const receivedIds = new Set(received.map((e) => e.eventId));
    const missing = [...expectedIds].filter((id) => !receivedIds.has(id));
    const stats = sandbox.recorder.stats();

    console.log(
      `[faults/${driver}] purchases=${PURCHASES} duplicatesSent=${duplicatesSent} refundsFirst=${refundsFirst} ` +
        `webhookEvents=${webhookEvents} conversions=${purchases} refunds=${refunds} kills=${kills} connectionCuts=${connectionCuts} ` +
        `sandboxRequests=${stats.requests} faulted=${stats.faulted} metaReceived=${received.length} distinctAtMeta=${receivedIds.size} ` +
        `resentToMeta=${received.length - receivedIds.size} stuckEvents=${stuckEvents} claimedJobs=${claimed}`,
    );

    expect(kills).toBeGreaterThan(0);
    expect(connectionCuts).toBe(1);
    expect(stats.faulted).toBeGreaterThan(0);
    expect(webhookEvents).toBe(PURCHASES + refundsFirst);
    expect(purchases).toBe(PURCHASES);
    expect(distinctPurchases).toBe(PURCHASES);
    expect(refunds).toBe(refundsFirst);
    expect(expectedIds.size).toBe(PURCHASES);
    expect(missing).toEqual([]);
    expect(receivedIds.size).toBe(PURCHASES);
    expect(stuckEvents).toBe(0);
    expect(claimed).toBe(0);
  }, 600_000);
});
