// Regression (found by the fuzz suite): click ids and UTMs taken from the landing URL's query string
// are decoded there, so `%00` became a NUL PostgreSQL cannot store and the write failed with a 500.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, createTenantViaApi, type TestApp } from '../../../../test/support/app.ts';

describe('values decoded from the landing URL', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('ignores an unstorable click id or UTM from the query string and still stores the event', async () => {
    const tenant = await createTenantViaApi(t.app, 'Query values');
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/track/click',
      headers: { 'content-type': 'text/plain;charset=UTF-8' },
      payload: JSON.stringify({ publicKey: tenant.publicKey, url: 'https://lp.example.com/?fbclid=Ab%00C&utm_source=%ED%A0%80&utm_medium=cpc' }),
    });
    expect(res.statusCode).toBe(202);
    const row = await t.store.db.selectFrom('events').select('payload').where('id', '=', res.json().id).executeTakeFirstOrThrow();
    const payload = row.payload as { fbclid: string | null; utm: Record<string, string> };
    expect(payload.fbclid).toBeNull();
    expect(payload.utm.medium).toBe('cpc');
    expect(JSON.stringify(payload)).not.toContain('\\u0000');
  });
});
