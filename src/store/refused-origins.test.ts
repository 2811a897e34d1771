// Risk: refused-origin counts are lost or double-counted when API processes flush, or a flood of
// distinct origins grows a tenant's rows without bound (each flush must keep only its top origins).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS, createTestStore, type TestStore } from '../../test/support/databases.ts';
import { createTenant } from './tenants.ts';
import { addRefusedOriginCounts, forgetRefusedOrigins, listRefusedOrigins, REFUSED_ORIGINS_KEPT_PER_TENANT } from './refused-origins.ts';

const T0 = new Date('2026-12-01T12:00:00.000Z');
const at = (s: number) => new Date(T0.getTime() + s * 1000);

describe.each(STORE_KINDS)('refused origins store on %s', (kind) => {
  let store: TestStore;
  let a: string;
  let b: string;

  beforeAll(async () => {
    store = await createTestStore(kind);
    a = (await createTenant(store.db, { name: 'A' })).tenant.id;
    b = (await createTenant(store.db, { name: 'B' })).tenant.id;
  });
  afterAll(async () => {
    await store?.dispose();
  });

  it('adds counts across flushes and lists a tenant\'s origins, most refused first', async () => {
    await addRefusedOriginCounts(store.db, [
      { tenantId: a, origin: 'https://lp.example.com', count: 3, firstSeenAt: at(0), lastSeenAt: at(10) },
      { tenantId: a, origin: 'http://localhost:5173', count: 1, firstSeenAt: at(5), lastSeenAt: at(5) },
      { tenantId: b, origin: 'https://lp.example.com', count: 7, firstSeenAt: at(0), lastSeenAt: at(1) },
    ]);
    // a second API process flushes the same origin, seen earlier and later
    await addRefusedOriginCounts(store.db, [{ tenantId: a, origin: 'https://lp.example.com', count: 2, firstSeenAt: at(-5), lastSeenAt: at(20) }]);
    expect(await listRefusedOrigins(store.db, a)).toEqual([
      { origin: 'https://lp.example.com', count: 5, lastSeenAt: at(20) },
      { origin: 'http://localhost:5173', count: 1, lastSeenAt: at(5) },
    ]);
    expect(await listRefusedOrigins(store.db, b)).toEqual([{ origin: 'https://lp.example.com', count: 7, lastSeenAt: at(1) }]);
    const row = await store.db.selectFrom('refused_origins').selectAll().where('tenant_id', '=', a).where('origin', '=', 'https://lp.example.com').executeTakeFirstOrThrow();
    expect(row.first_seen_at).toEqual(at(-5));
    expect(await listRefusedOrigins(store.db, 'ten_nobody')).toEqual([]);
  });

  it(`keeps at most ${REFUSED_ORIGINS_KEPT_PER_TENANT} origins per tenant: the most refused, then the most recent`, async () => {
    const flood = Array.from({ length: 1_200 }, (_, i) => ({
      tenantId: a,
      origin: `https://${i}.attacker.example`,
      count: 1,
      firstSeenAt: at(100 + i),
      lastSeenAt: at(100 + i),
    }));
    await addRefusedOriginCounts(store.db, flood);
    const listed = await listRefusedOrigins(store.db, a);
    expect(listed).toHaveLength(REFUSED_ORIGINS_KEPT_PER_TENANT);
    expect(listed[0]).toMatchObject({ origin: 'https://lp.example.com', count: 5 }); // the real page stays on top
    expect(listed[1]).toMatchObject({ origin: 'https://1199.attacker.example', count: 1 });
    expect(listed.some((r) => r.origin === 'http://localhost:5173')).toBe(false); // older single refusals go
    const rows = await store.db.selectFrom('refused_origins').select('origin').where('tenant_id', '=', a).execute();
    expect(rows).toHaveLength(REFUSED_ORIGINS_KEPT_PER_TENANT);
    expect(await listRefusedOrigins(store.db, b)).toHaveLength(1); // another tenant untouched
  });

  it('stores origins with any printable text, and forgets those a funnel now allows', async () => {
    const odd = `https://${'a'.repeat(190)}'";--`;
    await addRefusedOriginCounts(store.db, [{ tenantId: b, origin: odd, count: 1, firstSeenAt: at(0), lastSeenAt: at(0) }]);
    expect((await listRefusedOrigins(store.db, b)).map((r) => r.origin)).toContain(odd);
    await forgetRefusedOrigins(store.db, b, ['https://lp.example.com', 'https://never-refused.example']);
    expect((await listRefusedOrigins(store.db, b)).map((r) => r.origin)).toEqual([odd]);
    await forgetRefusedOrigins(store.db, b, []);
    await addRefusedOriginCounts(store.db, []);
    expect(await listRefusedOrigins(store.db, b)).toHaveLength(1);
  });
});
