// Risk: aggregated rejection rows lose or double their counts, rows written before migration 0009
// stop counting, or the retention delete removes recent rows (or cannot keep up with a flooded table).
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS, createTestStore, type TestStore } from '../../test/support/databases.ts';
import { createTenant } from './tenants.ts';
import { addWebhookRejectionCounts, deleteWebhookRejectionsBefore } from './webhook-rejections.ts';

const DAY = 86_400_000;
const BAD = 'bad_signature: X-HOTMART-HOTTOK does not match the configured hottok';
/** A rejection id written at `ms` (UUIDv7: the first 48 bits are the time). */
const idAt = (ms: number, n: number) => `rej_${ms.toString(16).padStart(12, '0')}7${n.toString(16).padStart(19, '0')}`;

describe.each(STORE_KINDS)('webhook rejections store on %s', (kind) => {
  let store: TestStore;
  let a: string;

  beforeAll(async () => {
    store = await createTestStore(kind);
    a = (await createTenant(store.db, { name: 'A' })).tenant.id;
  });
  afterAll(async () => {
    await store?.dispose();
  });

  /** What an alert rule reads: rejections of a kind in a window, per gateway (sum of count, not rows). */
  const signatureFailures = async (from: Date) =>
    (
      await sql<{ gateway: string; count: number }>`
        SELECT gateway, sum(count)::int AS count FROM webhook_rejections
        WHERE tenant_id = ${a} AND received_at > ${from} AND reason LIKE 'bad_signature%'
        GROUP BY gateway ORDER BY gateway`.execute(store.db)
    ).rows;

  it('writes one row per count, and sum(count) over a window adds rows of before and after migration 0009', async () => {
    const now = Date.now();
    // A row as written before the migration: one per rejection, no count given.
    await store.db.insertInto('webhook_rejections').values({ id: idAt(now, 1), tenant_id: a, gateway: 'hotmart', source_ip: '192.0.2.1', reason: BAD }).execute();
    await addWebhookRejectionCounts(store.db, [
      { tenantId: a, gateway: 'hotmart', reason: BAD, sourceIp: '203.0.113.9', count: 4_000, firstSeenAt: new Date(now - 9_000), lastSeenAt: new Date(now - 1_000) },
      { tenantId: a, gateway: 'kiwify', reason: 'bad_signature: missing signature query parameter', sourceIp: null, count: 2, firstSeenAt: new Date(now), lastSeenAt: new Date(now) },
      { tenantId: null, gateway: 'hotmart', reason: 'not_connected: unknown tenant or gateway not connected', sourceIp: '203.0.113.9', count: 7, firstSeenAt: new Date(now), lastSeenAt: new Date(now) },
    ]);
    expect(await signatureFailures(new Date(now - 60_000))).toEqual([
      { gateway: 'hotmart', count: 4_001 },
      { gateway: 'kiwify', count: 2 },
    ]);
    const row = await store.db.selectFrom('webhook_rejections').selectAll().where('source_ip', '=', '203.0.113.9').where('tenant_id', '=', a).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ count: 4_000, first_seen_at: new Date(now - 9_000), received_at: new Date(now - 1_000) });
  });

  it('deletes rows written before the retention bound, in bounded batches, and keeps the rest', async () => {
    await store.db.deleteFrom('webhook_rejections').execute();
    const now = Date.now();
    const old = Array.from({ length: 25 }, (_, i) => idAt(now - 40 * DAY + i, i));
    const recent = [idAt(now - 29 * DAY, 100), idAt(now - 1_000, 101)];
    await store.db
      .insertInto('webhook_rejections')
      .values([...old, ...recent].map((id) => ({ id, tenant_id: a, gateway: 'hotmart', source_ip: null, reason: BAD })))
      .execute();
    const bound = new Date(now - 30 * DAY);
    expect(await deleteWebhookRejectionsBefore(store.db, bound, 10)).toBe(10);
    expect(await deleteWebhookRejectionsBefore(store.db, bound, 10)).toBe(10);
    expect(await deleteWebhookRejectionsBefore(store.db, bound, 10)).toBe(5);
    expect(await deleteWebhookRejectionsBefore(store.db, bound, 10)).toBe(0);
    const left = await store.db.selectFrom('webhook_rejections').select('id').orderBy('id').execute();
    expect(left.map((r) => r.id)).toEqual(recent);
  });
});
