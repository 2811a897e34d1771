// Guards the HTTP platform contract: problem+json everywhere, request ids, body limits, tenant walls,
// secrets never returned or logged, and the OpenAPI document generated from the validating schemas.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, bearer, buildTestApp, createTenantViaApi, type TestApp } from '../../test/support/app.ts';
import { STORE_KINDS } from '../../test/support/databases.ts';
import { startMetaSandbox, type RunningMetaSandbox } from '../sandbox/meta/index.ts';

describe.each(STORE_KINDS)('platform on %s', (kind) => {
  let t: TestApp;
  // Connecting Meta checks the token against the Graph API: the sandbox answers like Meta.
  let sandbox: RunningMetaSandbox;
  beforeAll(async () => {
    sandbox = await startMetaSandbox();
    t = await buildTestApp({ kind, config: { metaGraphUrl: sandbox.url } });
  });
  afterAll(async () => {
    await t?.close();
    await sandbox?.close();
  });

  it('creates a tenant with the admin token and shows the secret key once', async () => {
    const tenant = await createTenantViaApi(t.app, 'Acme Cursos');
    expect(tenant.id).toMatch(/^ten_[0-9a-f]{32}$/);
    expect(tenant.secretKey).toMatch(/^hub_sk_/);
    const me = await t.app.inject({ url: '/api/v1/tenant', headers: bearer(tenant.secretKey) });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ id: tenant.id, name: 'Acme Cursos', publicKey: tenant.publicKey, funnels: [], connections: [] });
    expect(me.body).not.toContain(tenant.secretKey);
  });

  it('refuses tenant creation without or with a wrong admin token', async () => {
    const none = await t.app.inject({ method: 'POST', url: '/api/v1/tenants', payload: { name: 'x' } });
    expect(none.statusCode).toBe(401);
    expect(none.headers['content-type']).toContain('application/problem+json');
    const wrong = await t.app.inject({ method: 'POST', url: '/api/v1/tenants', headers: bearer('nope-nope-nope-nope'), payload: { name: 'x' } });
    expect(wrong.statusCode).toBe(401);
    expect(await t.store.db.selectFrom('tenants').select('id').where('name', '=', 'x').execute()).toEqual([]);
  });

  it('answers 401 for an unknown tenant key', async () => {
    const res = await t.app.inject({ url: '/api/v1/tenant', headers: bearer('hub_sk_unknown') });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ type: 'https://hub.dev/problems/unauthorized', status: 401, instance: '/api/v1/tenant' });
  });

  it('stores connections encrypted and returns only a hint, with the webhook URL', async () => {
    const tenant = await createTenantViaApi(t.app, 'Conn');
    const meta = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/connections/meta',
      headers: bearer(tenant.secretKey),
      payload: { pixelId: '1234567890', accessToken: 'EAAGsecretTOKEN9876', testEventCode: 'TEST123' },
    });
    expect(meta.statusCode).toBe(200);
    expect(meta.json()).toEqual({
      kind: 'meta',
      configured: true,
      hint: '…9876',
      health: 'healthy',
      verification: { status: 'verified', pixelName: 'Sandbox pixel 1234567890' },
    });
    const hotmart = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/connections/hotmart',
      headers: { ...bearer(tenant.secretKey), host: 'hub.example.com' },
      payload: { hottok: 'hottok-secret-value-42' },
    });
    expect(hotmart.statusCode).toBe(200);
    expect(hotmart.json().webhookUrl).toBe(`http://hub.example.com/api/v1/webhooks/hotmart?tenant=${tenant.id}`);
    expect(hotmart.json().warning).toBeNull();
    const stripe = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/connections/stripe',
      headers: bearer(tenant.secretKey),
      payload: { webhookSecret: ['whsec_old_secret_1111', 'whsec_new_secret_2222'] },
    });
    expect(stripe.json().hint).toBe('…2222');
    const me = await t.app.inject({ url: '/api/v1/tenant', headers: bearer(tenant.secretKey) });
    expect(me.body).not.toContain('EAAGsecretTOKEN9876');
    expect(me.body).not.toContain('hottok-secret-value-42');
    expect(me.json().connections.map((c: { kind: string }) => c.kind)).toEqual(['hotmart', 'meta', 'stripe']);
    // and nothing of it reached the logs
    const logs = t.logs.join('\n');
    for (const secret of ['EAAGsecretTOKEN9876', 'hottok-secret-value-42', 'whsec_new_secret_2222', tenant.secretKey, ADMIN_TOKEN]) {
      expect(logs).not.toContain(secret);
    }
  });

  it('keeps tenants apart: one key never sees another tenant connection or funnel', async () => {
    const a = await createTenantViaApi(t.app, 'A');
    const b = await createTenantViaApi(t.app, 'B');
    await t.app.inject({ method: 'PUT', url: '/api/v1/connections/kiwify', headers: bearer(a.secretKey), payload: { token: 'kiwify-token-of-a' } });
    await t.app.inject({ method: 'PUT', url: '/api/v1/funnels/main', headers: bearer(a.secretKey), payload: { origins: ['https://lp.a.com'] } });
    const seenByB = await t.app.inject({ url: '/api/v1/tenant', headers: bearer(b.secretKey) });
    expect(seenByB.json()).toMatchObject({ id: b.id, connections: [], funnels: [] });
  });

  it('validates funnels and lists the paths that failed', async () => {
    const tenant = await createTenantViaApi(t.app, 'Funnels');
    const ok = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/funnels/lancamento-1',
      headers: bearer(tenant.secretKey),
      payload: { origins: ['https://lp.example.com/', 'https://lp.example.com'], checkoutHosts: ['pay.hotmart.com'] },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({
      slug: 'lancamento-1',
      origins: ['https://lp.example.com'],
      checkoutHosts: ['pay.hotmart.com'],
      pixelTag: expect.stringContaining(`data-key="${tenant.publicKey}"`),
    });
    const bad = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/funnels/main',
      headers: bearer(tenant.secretKey),
      payload: { origins: ['not a url', 42], checkoutHosts: 'pay.hotmart.com' },
    });
    expect(bad.statusCode).toBe(400);
    const body = bad.json();
    expect(body.type).toBe('https://hub.dev/problems/validation-error');
    expect(body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['checkoutHosts', 'origins.0', 'origins.1']);
    const badSlug = await t.app.inject({ method: 'PUT', url: '/api/v1/funnels/NO_CAPS', headers: bearer(tenant.secretKey), payload: { origins: [] } });
    expect(badSlug.statusCode).toBe(400);
  });

  it('answers malformed JSON with a 400 problem and an oversized body with 413', async () => {
    const tenant = await createTenantViaApi(t.app, 'Bad input');
    const malformed = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/funnels/main',
      headers: { ...bearer(tenant.secretKey), 'content-type': 'application/json' },
      payload: '{"origins": [',
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().type).toBe('https://hub.dev/problems/malformed-json');
    const big = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/funnels/main',
      headers: { ...bearer(tenant.secretKey), 'content-type': 'application/json' },
      payload: JSON.stringify({ origins: [], pad: 'x'.repeat(300 * 1024) }),
    });
    expect(big.statusCode).toBe(413);
    expect(big.headers['content-type']).toContain('application/problem+json');
  });

  it('echoes a valid X-Request-Id and creates one otherwise', async () => {
    const echoed = await t.app.inject({ url: '/healthz', headers: { 'x-request-id': 'abc-123' } });
    expect(echoed.headers['x-request-id']).toBe('abc-123');
    const created = await t.app.inject({ url: '/healthz', headers: { 'x-request-id': 'bad id with spaces' } });
    expect(created.headers['x-request-id']).toMatch(/^req_[0-9a-f]{32}$/);
    const notFound = await t.app.inject({ url: '/nope' });
    expect(notFound.statusCode).toBe(404);
    expect(notFound.headers['x-request-id']).toBeTruthy();
    expect(notFound.json().type).toBe('https://hub.dev/problems/not-found');
  });

  it('is ready when the database answers, and 503 while draining', async () => {
    expect((await t.app.inject({ url: '/readyz' })).statusCode).toBe(200);
    t.deps.lifecycle!.draining = true;
    expect((await t.app.inject({ url: '/readyz' })).statusCode).toBe(503);
    t.deps.lifecycle!.draining = false;
  });

  it('serves OpenAPI 3.1 built from the validating schemas and the docs page; never /metrics (HUB_METRICS_PORT only)', async () => {
    const spec = (await t.app.inject({ url: '/api/v1/openapi.json' })).json();
    expect(spec.openapi).toBe('3.1.0');
    const funnelPut = spec.paths['/api/v1/funnels/{slug}'].put;
    expect(funnelPut.requestBody.content['application/json'].schema.properties).toHaveProperty('origins');
    expect(spec.paths).toHaveProperty('/api/v1/tenants');
    const docs = await t.app.inject({ url: '/docs/' });
    expect(docs.statusCode).toBe(200);
    expect(docs.body).toContain('swagger');
    const metrics = await t.app.inject({ url: '/metrics' });
    expect(metrics.statusCode).toBe(404);
    expect(metrics.body).not.toContain('hub_http_request_duration_seconds');
  });
});

describe('without HUB_ADMIN_TOKEN', () => {
  it('disables tenant creation over HTTP with a clear 403', async () => {
    const t = await buildTestApp({ config: { adminToken: undefined } });
    try {
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/tenants', payload: { name: 'x' } });
      expect(res.statusCode).toBe(403);
      expect(res.json().detail).toContain('hub tenant create');
    } finally {
      await t.close();
    }
  });
});
