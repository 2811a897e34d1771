// Risk: a seller saves a funnel and still does not know what to paste on the page — the answer must
// carry the pixel tag with their public key and the hub's public address — or the route and the
// operation disagree on what a valid funnel is.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, buildTestApp, createTenantViaApi, type TestApp } from '../../../../test/support/app.ts';

describe('PUT /api/v1/funnels/{slug}', () => {
  let t: TestApp;
  let behindProxy: TestApp;
  let tenant: { id: string; publicKey: string; secretKey: string };
  beforeAll(async () => {
    t = await buildTestApp();
    behindProxy = await buildTestApp({ store: t.store, config: { publicUrl: 'https://hub.acme.com.br' } });
    tenant = await createTenantViaApi(t.app, 'Funis');
  });
  afterAll(async () => {
    await behindProxy?.close();
    await t?.close();
  });

  const put = (app: TestApp, slug: string, payload: unknown, headers: Record<string, string> = {}) =>
    app.app.inject({ method: 'PUT', url: `/api/v1/funnels/${slug}`, headers: { ...bearer(tenant.secretKey), ...headers }, payload: payload as object });

  it('answers the funnel with the pixel tag for its pages, at the address the request used', async () => {
    const res = await put(t, 'main', { origins: ['https://lp.acme.com.br/'], checkoutHosts: ['Pay.Acme.com.br', 'pay.acme.com.br'] }, { host: 'hub.local.test:8080' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      slug: 'main',
      origins: ['https://lp.acme.com.br'],
      checkoutHosts: ['pay.acme.com.br'],
      pixelTag: `<script async src="http://hub.local.test:8080/pixel.js" data-key="${tenant.publicKey}"></script>`,
    });
  });

  it('uses HUB_PUBLIC_URL for the tag when it is set', async () => {
    const res = await put(behindProxy, 'main', { origins: ['https://lp.acme.com.br'] }, { host: 'internal:8080' });
    expect(res.json().pixelTag).toBe(`<script async src="https://hub.acme.com.br/pixel.js" data-key="${tenant.publicKey}"></script>`);
    expect(res.json().checkoutHosts).toEqual([]); // a PUT replaces the whole funnel
  });

  it('refuses what is not an origin or a host, naming the fields, in the caller\'s language', async () => {
    const res = await put(t, 'main', { origins: ['https://lp.acme.com.br/oferta', 'lp.acme.com.br'], checkoutHosts: ['https://pay.acme.com.br'] }, { 'accept-language': 'pt-BR' });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json().errors.map((e: { path: string }) => e.path).sort()).toEqual(['checkoutHosts.0', 'origins.0', 'origins.1']);
    expect(res.json().detail).not.toBe('The request does not match the schema.');
    const unauthenticated = await t.app.inject({ method: 'PUT', url: '/api/v1/funnels/main', payload: { origins: [] } });
    expect(unauthenticated.statusCode).toBe(401);
  });
});
