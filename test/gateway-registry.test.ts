// Guards "adding a gateway is one folder and one registry line": every registered gateway reaches every
// list the hub keeps at run time — its connection route and the database row it writes, the events
// filter, the webhook route (a signed delivery of its bench body accepted and carrying the session), the
// 404's list of gateways, log redaction of its secret headers and fields, the pixel's checkout rule, its
// fixtures and their README, and the seller-facing docs. The compile-time lists are mapped types.
import { readdirSync, readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, buildTestApp, createTenantViaApi, type TestApp } from './support/app.ts';
import { signedWebhook } from './support/signed-webhooks.ts';
import { gatewayNames, gatewayRegistry } from '../src/domain/gateways/gateway-registry.ts';
import { findPassthroughTokens } from '../src/domain/matching/passthrough-token.ts';
import { createLogger } from '../src/lib/logger.ts';
import { CHECKOUT_RULES } from '../pixel/src/checkout-links.ts';
import { webhookBody } from '../bench/match/gateway-bodies.ts';

const SESSION = 'sid_0123456789abcdef0123456789abcdef';
const read = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8');

describe('every registered gateway, through the API', () => {
  let t: TestApp;
  let tenant: Awaited<ReturnType<typeof createTenantViaApi>>;
  beforeAll(async () => {
    t = await buildTestApp();
    tenant = await createTenantViaApi(t.app, 'Registry');
  });
  afterAll(async () => {
    await t?.close();
  });

  it.each(gatewayNames)('%s: connects with its example body, documented, and stored under its name', async (gateway) => {
    const { connection, label } = gatewayRegistry[gateway];
    const res = await t.app.inject({ method: 'PUT', url: `/api/v1/connections/${gateway}`, headers: bearer(tenant.secretKey), payload: connection.example as object });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ kind: gateway, webhookUrl: expect.stringContaining(`/api/v1/webhooks/${gateway}?tenant=${tenant.id}`) });
    const row = await t.store.db.selectFrom('connections').select('kind').where('tenant_id', '=', tenant.id).where('kind', '=', gateway).executeTakeFirst();
    expect(row?.kind).toBe(gateway);
    const doc = (await t.app.inject({ url: '/api/v1/openapi.json' })).json();
    expect(doc.paths[`/api/v1/connections/${gateway}`]?.put?.summary).toBe(`Connect ${label} webhooks`);
  });

  it.each(gatewayNames)('%s: a signed delivery of its bench purchase is accepted, and carries the session back', async (gateway) => {
    const sale = {
      transactionId: `${gateway}-registry-1`,
      deliveryId: `${gateway}-registry-delivery-1`,
      occurredAt: new Date(Date.now() - 60_000),
      email: 'buyer@example.com',
      phone: '(11) 99999-8888',
      firstName: 'Maria',
      lastName: 'Souza',
      city: 'São Paulo',
      state: 'SP',
      zip: '01310-100',
      ip: '177.10.20.30',
      value: '97.00',
      currency: 'BRL',
      productId: 'prod-1',
      sck: SESSION,
    };
    const body = webhookBody(gateway, 'purchase', sale);
    const d = signedWebhook(gateway, tenant.id, gatewayRegistry[gateway].connection.example, body);
    const res = await t.app.inject({ method: 'POST', url: d.url, headers: d.headers, payload: d.body });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().unprocessable).toBeUndefined();
    const parsed = gatewayRegistry[gateway].parse({ rawBody: Buffer.from(d.body), headers: d.headers, query: {}, receivedAt: new Date() });
    if (!parsed.ok) throw new Error(parsed.reason);
    expect(parsed.conversions.map((c) => c.kind)).toEqual([expect.stringMatching(/^(purchase|subscription_started)$/)]);
    expect(findPassthroughTokens(parsed.conversions[0]!.tracking).map((p) => p.token)).toEqual([SESSION]);
  });

  it.each(gatewayNames)('%s: is a filter of GET /api/v1/events and named by the webhook route\'s 404', async (gateway) => {
    const list = await t.app.inject({ url: `/api/v1/events?gateway=${gateway}`, headers: bearer(tenant.secretKey) });
    expect(list.statusCode, list.body).toBe(200);
    const unknown = await t.app.inject({ method: 'POST', url: `/api/v1/webhooks/not-a-gateway?tenant=${tenant.id}`, payload: '{}' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().detail).toContain(gateway);
  });
});

describe.each(gatewayNames)('%s, everywhere else', (gateway) => {
  const module = gatewayRegistry[gateway];

  it('its secret headers and fields never reach a log line', () => {
    const lines: string[] = [];
    const logger = createLogger('info', new Writable({ write: (chunk, _enc, cb) => (lines.push(String(chunk)), cb()) }));
    const secret = 'S3CRET-VALUE-of-the-test';
    const fields = Object.fromEntries(module.secretNames.fields.map((f) => [f, secret]));
    const headers = Object.fromEntries(module.secretNames.headers.map((h) => [h, secret]));
    logger.info({ ...fields, connection: fields, req: { headers } }, 'connected');
    expect(lines.join('')).toContain('connected');
    expect(lines.join('')).not.toContain(secret);
  });

  it('names every field its connection takes and seals among its secret fields', () => {
    const body = module.connection.body.parse(module.connection.example) as Record<string, unknown>;
    const sealed = module.connection.secretOf(body).secret as Record<string, unknown>;
    for (const field of [...Object.keys(body), ...Object.keys(sealed)]) expect(module.secretNames.fields).toContain(field);
  });

  it('has a checkout rule in the pixel (null when it has no checkout links of its own)', () => {
    expect(Object.hasOwn(CHECKOUT_RULES, gateway)).toBe(true);
  });

  it('has fixtures with a README saying where they come from', () => {
    const files = readdirSync(new URL(`../src/domain/gateways/${gateway}/fixtures/`, import.meta.url));
    expect(files).toContain('README.md');
    expect(files.filter((f) => f.endsWith('.json')).length).toBeGreaterThan(0);
  });

  it('is in the seller-facing docs: the README\'s credentials table, the seller guide and the conversions doc', () => {
    expect(read('README.md')).toMatch(new RegExp(`^\\| ${module.label} .+\\|$`, 'm'));
    expect(read('docs/guia-do-vendedor.md')).toMatch(new RegExp(`^\\| ${module.label} \\|`, 'm'));
    expect(read('docs/conversions.md')).toContain(`<!-- checked:${gateway}`);
  });
});
