// Diagnostic: the dispatcher alone. Pre-loads N pending CAPI events with their jobs on a fresh
// PostgreSQL database, then runs one dispatch worker in this process and measures events/s until the
// Meta sandbox (in this process too) has them all.
//   npx tsx bench/pipeline/dispatch-only.ts [--count 20000]
import { parseArgs } from 'node:util';
import { createTestDatabase } from '../../test/support/databases.ts';
import { testConfig } from '../../src/config.ts';
import { createSecretBox } from '../../src/lib/secret-box.ts';
import { connectStore } from '../../src/store/connect.ts';
import { migrate } from '../../src/store/migrate.ts';
import { createTenant } from '../../src/store/tenants.ts';
import { upsertConnection } from '../../src/store/connections.ts';
import { createCapiEventsForDispatch } from '../../src/store/capi-events.ts';
import { createDbQueue } from '../../src/queue/db-queue.ts';
import { buildServerEvent } from '../../src/domain/meta/index.ts';
import { newId } from '../../src/lib/ids.ts';
import { startMetaSandbox } from '../../src/sandbox/meta/index.ts';
import { dispatchWorkerDeps, runDispatchWorker } from '../../src/workers/dispatch/index.ts';

const { values } = parseArgs({ options: { count: { type: 'string', default: '20000' } } });
const COUNT = Number(values.count);
const database = await createTestDatabase();
const store = await connectStore({ databaseUrl: database.url, poolSize: 10 });
await migrate(store);
const box = createSecretBox(testConfig().encryptionKey!);
const queue = createDbQueue(store.db);
const { tenant } = await createTenant(store.db, { name: 'Dispatch bench' });
await upsertConnection(store.db, box, tenant.id, { kind: 'meta', settings: { pixelId: '1234567890' }, secret: { accessToken: 'EAAB' }, hintOf: 'EAAB' });
const sandbox = await startMetaSandbox({ knownPixelIds: ['1234567890'] });
const sourceId = newId('evt');
await store.db.insertInto('events').values({ id: sourceId, tenant_id: tenant.id, type: 'webhook', gateway: 'hotmart', delivery_key: 'x', status: 'matched', flags: [], occurred_at: new Date() }).execute();
for (let i = 0; i < COUNT; i += 1000) {
  const rows = Array.from({ length: Math.min(1000, COUNT - i) }, (_, k) => {
    const built = buildServerEvent(
      { eventName: 'Purchase', eventTime: new Date(), eventId: `p-${i + k}`, user: { email: `b${i + k}@example.com`, phone: '11999998888' }, custom: { value: '197.00', currency: 'BRL', orderId: `o-${i + k}` } },
      new Date(),
    );
    if (!built.ok) throw new Error(built.reason);
    return { tenantId: tenant.id, eventId: `p-${i + k}`, conversionId: null, sourceEventId: `${sourceId}-${(i + k) % 1000}`, eventName: 'Purchase', status: 'pending' as const, payload: built.event as unknown as Record<string, unknown> };
  });
  await store.db.transaction().execute((trx) => createCapiEventsForDispatch(trx, queue, rows));
}
const t0 = Date.now();
const worker = runDispatchWorker(dispatchWorkerDeps({ store, queue, box, graphUrl: sandbox.url }), 'bench', { idleMs: 20 });
while (sandbox.recorder.stats().distinctEventIds < COUNT) await new Promise((r) => setTimeout(r, 20));
const seconds = (Date.now() - t0) / 1000;
const stats = sandbox.recorder.stats();
process.stdout.write(`dispatch only: ${COUNT} events in ${seconds.toFixed(2)} s = ${Math.round(COUNT / seconds)} events/s; ${stats.requests} requests, ${stats.duplicates} duplicates\n`);
await worker.stop();
await sandbox.close();
await store.close();
await database.drop();
