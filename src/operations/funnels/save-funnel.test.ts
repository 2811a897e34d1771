// Risk: the CLI, the admin channel or an agent tool saves a funnel the API would refuse (or the other
// way round), an English sentence leaks into a failure, or an origin the seller just allowed keeps
// showing as refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, createTenantViaApi, type TestApp } from '../../../test/support/app.ts';
import { addRefusedOriginCounts, listRefusedOrigins } from '../../store/refused-origins.ts';
import { saveFunnelOperation } from './save-funnel.ts';

describe('saveFunnelOperation', () => {
  let t: TestApp;
  let tenant: { id: string; publicKey: string };
  const ctx = () => ({ ...t.deps, baseUrl: 'https://hub.acme.com.br' });
  beforeAll(async () => {
    t = await buildTestApp();
    tenant = await createTenantViaApi(t.app, 'Operação');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('saves normalized, deduplicated settings and answers the pixel tag', async () => {
    const outcome = await saveFunnelOperation(ctx(), tenant.id, {
      slug: 'black-friday',
      origins: ['https://lp.acme.com.br/', 'https://lp.acme.com.br', 'http://localhost:5173'],
      checkoutHosts: [' *.Acme-Pay.com ', 'pay.hotmart.com'],
    });
    expect(outcome).toEqual({
      ok: true,
      value: {
        slug: 'black-friday',
        origins: ['https://lp.acme.com.br', 'http://localhost:5173'],
        checkoutHosts: ['*.acme-pay.com', 'pay.hotmart.com'],
        pixelTag: `<script async src="https://hub.acme.com.br/pixel.js" data-key="${tenant.publicKey}"></script>`,
      },
    });
  });

  it.each([
    ['a slug with capitals', { slug: 'Main', origins: [] }, ['slug']],
    ['an origin with a path', { slug: 'main', origins: ['https://lp.acme.com.br/oferta'] }, ['origins.0']],
    ['an origin with a query', { slug: 'main', origins: ['https://lp.acme.com.br/?a=1'] }, ['origins.0']],
    ['a javascript: URL', { slug: 'main', origins: ['javascript:alert(1)'] }, ['origins.0']],
    ['a host with a scheme', { slug: 'main', origins: [], checkoutHosts: ['https://pay.acme.com'] }, ['checkoutHosts.0']],
    ['too many origins', { slug: 'main', origins: Array.from({ length: 51 }, (_, i) => `https://lp${i}.acme.com.br`) }, ['origins']],
  ])('refuses %s with a message key and the failing paths', async (_name, input, paths) => {
    const outcome = await saveFunnelOperation(ctx(), tenant.id, input);
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.failure).toMatchObject({ kind: 'invalid', slug: 'validation-error', message: { key: 'tracking.funnelInvalid' } });
    expect(outcome.failure.errors!.map((e) => e.path)).toEqual(paths);
  });

  it('answers not_found for a tenant that does not exist', async () => {
    const outcome = await saveFunnelOperation(ctx(), 'ten_nobody', { slug: 'main', origins: [] });
    expect(outcome).toMatchObject({ ok: false, failure: { kind: 'not_found', message: { key: 'problem.noSuchTenant' } } });
  });

  it('forgets the refused origins the funnel now allows, and keeps the others', async () => {
    const at = new Date('2026-12-01T12:00:00Z');
    await addRefusedOriginCounts(t.store.db, [
      { tenantId: tenant.id, origin: 'https://www.acme.com.br', count: 12, firstSeenAt: at, lastSeenAt: at },
      { tenantId: tenant.id, origin: 'https://spam.example', count: 1, firstSeenAt: at, lastSeenAt: at },
    ]);
    await saveFunnelOperation(ctx(), tenant.id, { slug: 'main', origins: ['https://www.acme.com.br/'] });
    expect((await listRefusedOrigins(t.store.db, tenant.id)).map((r) => r.origin)).toEqual(['https://spam.example']);
  });
});
