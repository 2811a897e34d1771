// Guards what a seller does with their own tenant: the pixel tag in the tenant view, settings that are
// validated (a bad value is a 400 naming the field, never stored), key rotation with an overlap (old
// key works until it ends, then 401), public-key rotation keeping pages with the old tag tracking, and
// error details in the caller's language.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, bearer, buildTestApp, createTenantViaApi, type TestApp } from '../../../../test/support/app.ts';
import { readMatchSettings } from '../../../domain/matching/match-settings.ts';
import { findTenant } from '../../../store/tenants.ts';

describe('tenant routes', () => {
  let t: TestApp;
  let a: Awaited<ReturnType<typeof createTenantViaApi>>;
  let b: Awaited<ReturnType<typeof createTenantViaApi>>;

  beforeAll(async () => {
    t = await buildTestApp({ config: { publicUrl: 'https://hub.acme.com.br' } });
    a = await createTenantViaApi(t.app, 'Acme Cursos');
    b = await createTenantViaApi(t.app, 'Outra Loja');
  });
  afterAll(() => t.close());

  it('refuses an empty or blank tenant name', async () => {
    for (const name of ['', '   ', '\t\n']) {
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/tenants', headers: bearer(ADMIN_TOKEN), payload: { name } });
      expect(res.statusCode).toBe(400);
      expect(res.json().errors[0].path).toBe('name');
    }
  });

  it('shows the pixel tag with the public URL and public key filled in', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/tenant', headers: bearer(a.secretKey) });
    expect(res.statusCode).toBe(200);
    expect(res.json().pixelTag).toBe(`<script async src="https://hub.acme.com.br/pixel.js" data-key="${a.publicKey}"></script>`);
    expect(res.json().warnings).toEqual([]);
  });

  it('warns, in the caller\'s language, that a local hub address cannot receive webhooks', async () => {
    const local = await buildTestApp({ config: { publicUrl: undefined } });
    try {
      const tenant = await createTenantViaApi(local.app);
      const connected = await local.app.inject({
        method: 'PUT',
        url: '/api/v1/connections/hotmart',
        headers: { ...bearer(tenant.secretKey), host: '127.0.0.1:8080', 'accept-language': 'en' },
        payload: { hottok: 'hottok-0123456789' },
      });
      // Where the URL is handed out, the answer says it is local.
      expect(connected.json().webhookUrl).toBe(`http://127.0.0.1:8080/api/v1/webhooks/hotmart?tenant=${tenant.id}`);
      expect(connected.json().warning).toContain('This URL is local (http://127.0.0.1:8080)');
      const res = await local.app.inject({
        method: 'GET',
        url: '/api/v1/tenant',
        headers: { ...bearer(tenant.secretKey), host: 'localhost:8080', 'accept-language': 'pt-BR,pt;q=0.9,en;q=0.5' },
      });
      expect(res.json().connections[0].webhookUrl).toBe(`http://localhost:8080/api/v1/webhooks/hotmart?tenant=${tenant.id}`);
      expect(res.json().warnings).toEqual([expect.stringContaining('Esta URL é local (http://localhost:8080)')]);
    } finally {
      await local.close();
    }
  });

  it('reads defaults, applies a merge patch, and restores a default with null', async () => {
    const read = await t.app.inject({ method: 'GET', url: '/api/v1/tenant/settings', headers: bearer(a.secretKey) });
    expect(read.json()).toMatchObject({
      attribution: { model: 'last_click', clickWindowDays: 28, identityWindowDays: 28, fingerprintWindowMinutes: 30 },
      fingerprintMatching: false,
    });
    const patched = await t.app.inject({
      method: 'PATCH',
      url: '/api/v1/tenant/settings',
      headers: bearer(a.secretKey),
      payload: { attribution: { clickWindowDays: 7, model: 'first_click' }, fingerprintMatching: true, somethingUnknown: 1 },
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json().attribution).toMatchObject({ clickWindowDays: 7, model: 'first_click', identityWindowDays: 28 });
    // What the matcher reads is what the API answered.
    const stored = await findTenant(t.store.db, a.id);
    expect(readMatchSettings(stored!.settings)).toMatchObject({ clickWindowDays: 7, attributionModel: 'first_click', fingerprintMatching: true });
    const reset = await t.app.inject({ method: 'PATCH', url: '/api/v1/tenant/settings', headers: bearer(a.secretKey), payload: { attribution: { clickWindowDays: null } } });
    expect(reset.json().attribution).toMatchObject({ clickWindowDays: 28, model: 'first_click' });
    // Another tenant's settings are untouched.
    const other = await t.app.inject({ method: 'GET', url: '/api/v1/tenant/settings', headers: bearer(b.secretKey) });
    expect(other.json().fingerprintMatching).toBe(false);
  });

  it('refuses invalid settings with the field named, and stores nothing', async () => {
    const bad = [
      { attribution: { clickWindowDays: 0 } },
      { attribution: { clickWindowDays: 91 } },
      { attribution: { clickWindowDays: 2.5 } },
      { attribution: { model: 'linear' } },
      { attribution: { fingerprintWindowMinutes: '30' } },
      { fingerprintMatching: 'yes' },
      { attribution: [] },
    ];
    const before = (await findTenant(t.store.db, b.id))!.settings;
    for (const payload of bad) {
      const res = await t.app.inject({ method: 'PATCH', url: '/api/v1/tenant/settings', headers: bearer(b.secretKey), payload });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().errors.length).toBeGreaterThan(0);
      expect(res.json().errors[0].path).toMatch(/^(attribution|fingerprintMatching)/);
    }
    expect((await findTenant(t.store.db, b.id))!.settings).toEqual(before);
    const malformed = await t.app.inject({
      method: 'PATCH',
      url: '/api/v1/tenant/settings',
      headers: { ...bearer(b.secretKey), 'content-type': 'application/json', 'accept-language': 'pt-BR' },
      payload: '{"attribution":',
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().detail).toBe('O corpo não é um JSON válido.');
    expect(malformed.headers['content-language']).toBe('pt-BR');
  });

  it('rotates the secret key: the old one works during the overlap only', async () => {
    const tenant = await createTenantViaApi(t.app, 'Rotating');
    const rotated = await t.app.inject({
      method: 'POST',
      url: '/api/v1/tenant/keys/rotate',
      headers: bearer(tenant.secretKey),
      payload: { kind: 'secret', overlapHours: 1 },
    });
    expect(rotated.statusCode).toBe(200);
    const { key, previousValidUntil } = rotated.json();
    expect(key).toMatch(/^hub_sk_/);
    expect(new Date(previousValidUntil).getTime()).toBeGreaterThan(Date.now() + 59 * 60_000);
    for (const k of [tenant.secretKey, key]) {
      expect((await t.app.inject({ method: 'GET', url: '/api/v1/tenant', headers: bearer(k) })).statusCode).toBe(200);
    }
    // Rotating again with no overlap revokes every earlier key at once.
    const again = await t.app.inject({ method: 'POST', url: '/api/v1/tenant/keys/rotate', headers: bearer(key), payload: { kind: 'secret', overlapHours: 0 } });
    const newest = again.json().key as string;
    for (const k of [tenant.secretKey, key]) {
      const res = await t.app.inject({ method: 'GET', url: '/api/v1/tenant', headers: { ...bearer(k), 'accept-language': 'en' } });
      expect(res.statusCode).toBe(401);
      expect(res.json().detail).toBe('Unknown or revoked key.');
    }
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/tenant', headers: bearer(newest) })).statusCode).toBe(200);
  });

  it('rotates the public key: both keys track during the overlap, then only the new one', async () => {
    const tenant = await createTenantViaApi(t.app, 'Public rotation');
    const track = (publicKey: string) =>
      t.app.inject({ method: 'POST', url: '/api/v1/track/pageview', payload: { publicKey, url: 'https://lp.example.com/' } });
    const rotated = await t.app.inject({ method: 'POST', url: '/api/v1/tenant/keys/rotate', headers: bearer(tenant.secretKey), payload: { kind: 'public' } });
    const newKey = rotated.json().key as string;
    expect(newKey).toMatch(/^hub_pk_/);
    expect((await track(newKey)).statusCode).toBe(202);
    expect((await track(tenant.publicKey)).statusCode).toBe(202);
    const view = await t.app.inject({ method: 'GET', url: '/api/v1/tenant', headers: bearer(tenant.secretKey) });
    expect(view.json().publicKey).toBe(newKey);
    expect(view.json().pixelTag).toContain(newKey);
    // The overlap ends: the old public key is unknown (the tracking cache may hold it for its TTL, so read the store).
    await t.store.db.updateTable('tenants').set({ previous_public_key_expires_at: new Date(Date.now() - 1000) }).where('id', '=', tenant.id).execute();
    const { findTrackingTenant } = await import('../../../store/tracking.ts');
    expect(await findTrackingTenant(t.store.db, tenant.publicKey)).toBeUndefined();
    expect((await findTrackingTenant(t.store.db, newKey))?.tenantId).toBe(tenant.id);
  });

  it('refuses malformed rotation requests', async () => {
    for (const payload of [{ kind: 'both' }, { kind: 'secret', overlapHours: -1 }, { kind: 'secret', overlapHours: 10_000 }, {}]) {
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/tenant/keys/rotate', headers: bearer(a.secretKey), payload });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
    }
  });
});
