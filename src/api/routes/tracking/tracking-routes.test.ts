// Guards the tracking contract: 202 only once durable (event + ingest job), ids created or echoed,
// fbc derived, IP/UA taken from the request (X-Forwarded-For only from trusted proxies), bots and
// clock skew flagged, PII only hashed, leads refused without a usable e-mail or phone, the funnel's
// checkout hosts answered to the pixel, every refusal (401/400/403/413/429, CORS) as problem+json, rate
// limits per address and tenant (and the tenant's own, from its settings), and refused origins counted
// per tenant and logged once — under hostile origins too.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, buildTestApp, createTenantViaApi, type TestApp } from '../../../../test/support/app.ts';
import { STORE_KINDS, createTestStore, type TestStore } from '../../../../test/support/databases.ts';
import { listRefusedOrigins } from '../../../store/refused-origins.ts';
import { sha256Hex } from '../../../domain/identity/index.ts';

const CHROME_UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36';
const LP = 'https://lp.example.com';

interface Accepted {
  id: string;
  eventId: string;
  visitorId: string;
  sessionId: string;
  fbc: string | null;
  decorate: { sck: string; client_reference_id: string };
  checkoutHosts: string[];
}

describe.each(STORE_KINDS)('tracking API on %s', (kind) => {
  let t: TestApp;
  let tenant: { id: string; publicKey: string; secretKey: string };
  beforeAll(async () => {
    t = await buildTestApp({ kind, config: { rateLimitPerMinute: 100_000 } });
    tenant = await createTenantViaApi(t.app, 'Tracking');
    await t.app.inject({
      method: 'PUT',
      url: '/api/v1/funnels/main',
      headers: bearer(tenant.secretKey),
      payload: { origins: [LP], checkoutHosts: ['pay.example-checkout.com'] },
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  const track = (type: string, body: Record<string, unknown>, headers: Record<string, string> = {}, extra: { remoteAddress?: string } = {}) =>
    t.app.inject({
      method: 'POST',
      url: `/api/v1/track/${type}`,
      headers: { 'user-agent': CHROME_UA, 'content-type': 'text/plain;charset=UTF-8', ...headers },
      payload: JSON.stringify({ publicKey: tenant.publicKey, ...body }),
      ...extra,
    });
  const eventRow = (id: string) => t.store.db.selectFrom('events').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const jobsFor = async (id: string) =>
    (await t.store.db.selectFrom('jobs').select('payload').where('queue', '=', 'ingest-events').execute()).filter(
      (j) => (typeof j.payload === 'string' ? JSON.parse(j.payload) : j.payload).eventId === id,
    );

  it('accepts a click durably, creating ids, deriving fbc and reading UTMs from the URL', async () => {
    const before = Date.now();
    const res = await track('click', { url: `${LP}/oferta?fbclid=IwAR2F4-dbP0l7&utm_source=fb&utm_campaign=bf`, fbp: 'fb.1.1700000000000.1234567890' });
    expect(res.statusCode).toBe(202);
    const body = res.json() as Accepted;
    expect(body).toEqual({
      id: expect.stringMatching(/^evt_[0-9a-f]{32}$/),
      eventId: body.id,
      visitorId: expect.stringMatching(/^vis_[0-9a-f]{32}$/),
      sessionId: expect.stringMatching(/^sid_[0-9a-f]{32}$/),
      fbc: expect.stringMatching(/^fb\.1\.\d{13}\.IwAR2F4-dbP0l7$/),
      decorate: { sck: body.sessionId, client_reference_id: body.sessionId },
      checkoutHosts: ['pay.example-checkout.com'],
    });
    const fbcMs = Number(body.fbc!.split('.')[2]);
    expect(fbcMs).toBeGreaterThanOrEqual(before);
    expect(fbcMs).toBeLessThanOrEqual(Date.now());
    const row = await eventRow(body.id);
    expect(row).toMatchObject({
      tenant_id: tenant.id,
      type: 'click',
      delivery_key: null,
      status: 'received',
      flags: [],
      client_ip: '127.0.0.1',
      user_agent: CHROME_UA,
      raw_body: null,
    });
    expect(row.payload).toMatchObject({
      eventId: body.id,
      visitorId: body.visitorId,
      sessionId: body.sessionId,
      funnelSlug: 'main',
      fbclid: 'IwAR2F4-dbP0l7',
      fbc: body.fbc,
      fbcSource: 'derived',
      fbp: 'fb.1.1700000000000.1234567890',
      utm: { source: 'fb', campaign: 'bf' },
    });
    expect(await jobsFor(body.id)).toHaveLength(1);
  });

  it('echoes the client ids, keeps a current fbc, and answers a retried beacon with the same ids', async () => {
    const sent = {
      eventId: 'pv-0001-abc',
      visitorId: 'vis_0190a1b2c3d4e5f60718293a4b5c6d7e',
      sessionId: 'sid_0190a1b2c3d4e5f60718293a4b5c6d7f',
      url: `${LP}/?fbclid=Zz9`,
      fbclid: 'Zz9',
      fbc: 'fb.0.1700000000000.Zz9',
    };
    const first = await track('pageview', sent);
    expect(first.statusCode).toBe(202);
    const body = first.json() as Accepted;
    expect(body).toMatchObject({ eventId: sent.eventId, visitorId: sent.visitorId, sessionId: sent.sessionId, fbc: sent.fbc });
    expect(body.id).not.toBe(sent.eventId);
    const again = await track('pageview', { ...sent, visitorId: undefined, sessionId: undefined });
    expect(again.statusCode).toBe(202);
    expect(again.json()).toEqual(body);
    const rows = await t.store.db.selectFrom('events').select('id').where('delivery_key', '=', sent.eventId).execute();
    expect(rows).toEqual([{ id: body.id }]);
    expect(await jobsFor(body.id)).toHaveLength(1);
  });

  it('continues a session, and starts a new one on a new click id or after 30 idle minutes', async () => {
    const t0 = Date.now() - 3 * 3600_000;
    const at = (min: number) => new Date(t0 + min * 60_000).toISOString();
    const first = (await track('click', { url: `${LP}/?fbclid=One`, occurredAt: at(0) })).json() as Accepted;
    const pv = (await track('pageview', { url: `${LP}/precos`, sessionId: first.sessionId, visitorId: first.visitorId, occurredAt: at(20) })).json() as Accepted;
    expect(pv.sessionId).toBe(first.sessionId);
    const newClick = (await track('click', { url: `${LP}/?fbclid=Two`, sessionId: first.sessionId, occurredAt: at(25) })).json() as Accepted;
    expect(newClick.sessionId).not.toBe(first.sessionId);
    expect(newClick.decorate.sck).toBe(newClick.sessionId);
    const idle = (await track('pageview', { url: `${LP}/`, sessionId: newClick.sessionId, occurredAt: at(56) })).json() as Accepted;
    expect(idle.sessionId).not.toBe(newClick.sessionId);
    expect((await eventRow(idle.id)).payload).toMatchObject({ replacedSessionId: newClick.sessionId });
  });

  it('answers the checkout hosts of the funnel the origin belongs to, none when no funnel matches', async () => {
    const fromFunnel = await track('pageview', { url: `${LP}/precos` }, { origin: LP });
    expect((fromFunnel.json() as Accepted).checkoutHosts).toEqual(['pay.example-checkout.com']);
    const elsewhere = await track('pageview', { url: 'https://blog.example.org/post' }); // a server-side caller
    expect(elsewhere.statusCode).toBe(202);
    expect((elsewhere.json() as Accepted).checkoutHosts).toEqual([]);
  });

  it('takes the client IP from X-Forwarded-For only when the peer is a trusted proxy', async () => {
    const untrusted = (await track('pageview', { url: LP }, { 'x-forwarded-for': '198.51.100.9' })).json() as Accepted;
    expect((await eventRow(untrusted.id)).client_ip).toBe('127.0.0.1');
    const proxied = await buildTestApp({ store: t.store, config: { trustedProxies: ['10.0.0.0/8'], rateLimitPerMinute: 1000 } });
    try {
      const send = (remoteAddress: string) =>
        proxied.app.inject({
          method: 'POST',
          url: '/api/v1/track/pageview',
          remoteAddress,
          headers: { 'x-forwarded-for': '198.51.100.9', 'user-agent': CHROME_UA },
          payload: { publicKey: tenant.publicKey, url: LP },
        });
      const viaProxy = (await send('10.1.2.3')).json() as Accepted;
      expect((await eventRow(viaProxy.id)).client_ip).toBe('198.51.100.9');
      const direct = (await send('192.0.2.1')).json() as Accepted;
      expect((await eventRow(direct.id)).client_ip).toBe('192.0.2.1');
    } finally {
      await proxied.close();
    }
  });

  it('stores known bots flagged', async () => {
    const res = await track('pageview', { url: LP }, { 'user-agent': 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)' });
    expect(res.statusCode).toBe(202);
    expect((await eventRow(res.json().id)).flags).toEqual(['bot']);
  });

  it.each([
    ['8 days old', -8 * 24 * 3600_000],
    ['a day in the future', 24 * 3600_000],
  ])('stores an event %s with the server time, flagged', async (_name, offset) => {
    const clientTime = new Date(Date.now() + offset).toISOString();
    const before = Date.now();
    const res = await track('pageview', { url: LP, occurredAt: clientTime });
    expect(res.statusCode).toBe(202);
    const row = await eventRow(res.json().id);
    expect(row.flags).toEqual(['clock_skew']);
    expect(row.occurred_at.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(row.occurred_at.getTime()).toBeLessThanOrEqual(Date.now() + 1000);
    expect(row.payload).toMatchObject({ clientOccurredAt: clientTime });
  });

  it('keeps a plausible client time', async () => {
    const clientTime = new Date(Date.now() - 3600_000).toISOString();
    const row = await eventRow((await track('pageview', { url: LP, occurredAt: clientTime })).json().id);
    expect(row.occurred_at.toISOString()).toBe(clientTime);
    expect(row.flags).toEqual([]);
  });

  it('hashes e-mail and phone on initiate_checkout and keeps the raw values nowhere', async () => {
    const email = 'Maria.Silva+promo@Correio.COM.BR';
    const res = await track('initiate_checkout', {
      url: `${LP}/precos`,
      checkout: { url: 'https://pay.hotmart.com/X123?off=abc', value: '197.00', currency: 'brl', contentIds: ['X123'] },
      user: { email: `  ${email} `, phone: '+55 (11) 98765-4321' },
    });
    expect(res.statusCode).toBe(202);
    const row = await eventRow(res.json().id);
    expect(row.payload).toMatchObject({
      checkout: { url: 'https://pay.hotmart.com/X123?off=abc', value: '197.00', currency: 'BRL', contentIds: ['X123'] },
      user: { emailHash: sha256Hex('maria.silva+promo@correio.com.br'), phoneHash: sha256Hex('5511987654321') },
    });
    const everything = JSON.stringify(row) + (row.raw_body?.toString() ?? '');
    for (const raw of ['maria', 'Maria', 'correio', 'CORREIO', '98765', '4321']) expect(everything).not.toContain(raw);
    expect(t.logs.join('\n')).not.toContain('Maria.Silva');
  });

  it('flags an e-mail it cannot normalize instead of storing it', async () => {
    const row = await eventRow((await track('initiate_checkout', { url: LP, user: { email: 'not an email' } })).json().id);
    expect(row.flags).toEqual(['invalid_email']);
    expect(JSON.stringify(row.payload)).not.toContain('not an email');
  });

  describe('leads', () => {
    const EMAIL = '  Ana.Lima@Exemplo.COM.br ';
    const PHONE = '+55 (21) 99876-5432';
    const emailHash = sha256Hex('ana.lima@exemplo.com.br');
    const phoneHash = sha256Hex('5521998765432');
    const countEvents = async () => Number((await t.store.db.selectFrom('events').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

    it('stores a lead with the e-mail and phone hashed, answering like the other events', async () => {
      const res = await track('lead', { url: `${LP}/lista-de-espera?utm_source=ig`, fbp: 'fb.1.1700000000000.1234567890', user: { email: EMAIL, phone: PHONE } }, { origin: LP });
      expect(res.statusCode).toBe(202);
      expect(res.headers['access-control-allow-origin']).toBe(LP);
      const body = res.json() as Accepted;
      expect(body).toEqual({
        id: expect.stringMatching(/^evt_[0-9a-f]{32}$/),
        eventId: body.id,
        visitorId: expect.stringMatching(/^vis_/),
        sessionId: expect.stringMatching(/^sid_/),
        fbc: null,
        decorate: { sck: body.sessionId, client_reference_id: body.sessionId },
        checkoutHosts: ['pay.example-checkout.com'],
      });
      const row = await eventRow(body.id);
      expect(row).toMatchObject({ type: 'lead', flags: [], client_ip: '127.0.0.1', user_agent: CHROME_UA, raw_body: null });
      expect(row.payload).toMatchObject({ funnelSlug: 'main', url: `${LP}/lista-de-espera?utm_source=ig`, utm: { source: 'ig' }, checkout: null, user: { emailHash, phoneHash } });
      const everything = JSON.stringify(row);
      for (const raw of ['Ana', 'ana.lima', 'exemplo', '99876', '5432']) expect(everything).not.toContain(raw);
      expect(await jobsFor(body.id)).toHaveLength(1);
    });

    it('takes either an e-mail or a phone alone, and a SHA-256 already hashed', async () => {
      for (const user of [{ email: EMAIL }, { phone: PHONE }, { email: emailHash.toUpperCase() }]) {
        const res = await track('lead', { url: LP, user });
        expect(res.statusCode, JSON.stringify(user)).toBe(202);
        const p = (await eventRow(res.json().id)).payload as { user: object };
        expect(p.user).toEqual('phone' in user ? { phoneHash } : { emailHash });
      }
    });

    it('keeps a lead whose e-mail is malformed when its phone is good, flagged', async () => {
      const res = await track('lead', { url: LP, user: { email: 'ana@', phone: PHONE } });
      expect(res.statusCode).toBe(202);
      const row = await eventRow(res.json().id);
      expect(row.flags).toEqual(['invalid_email']);
      expect(row.payload).toMatchObject({ user: { phoneHash } });
      expect(JSON.stringify(row.payload)).not.toContain('ana@');
    });

    it.each<[string, Record<string, unknown>, string[]]>([
      ['no user', { url: LP }, ['user']],
      ['user null', { url: LP, user: null }, ['user']],
      ['an empty user', { url: LP, user: {} }, ['user']],
      ['blank values', { url: LP, user: { email: '  ', phone: '' } }, ['user']],
      ['user not an object', { url: LP, user: 'ana@exemplo.com.br' }, ['user']],
      ['a malformed e-mail only', { url: LP, user: { email: 'not an e-mail' } }, ['user.email']],
      ['a malformed phone only', { url: LP, user: { phone: '123' } }, ['user.phone']],
      ['both malformed', { url: LP, user: { email: 'ana@@x', phone: 'abc' } }, ['user.email', 'user.phone']],
      ['an e-mail of the wrong type', { url: LP, user: { email: 42 } }, ['user.email']],
      ['an oversized e-mail', { url: LP, user: { email: `${'a'.repeat(400)}@exemplo.com.br` } }, ['user.email']],
      ['a NUL in the e-mail', { url: LP, user: { email: 'ana\u0000@exemplo.com.br' } }, ['user.email']],
      ['a javascript: page URL', { url: 'javascript:alert(1)', user: { email: EMAIL } }, ['url']],
    ])('refuses a lead with %s (400 naming the field), storing nothing', async (_name, body, paths) => {
      const before = await countEvents();
      const res = await track('lead', body);
      expect(res.statusCode).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json().type).toBe('https://hub.dev/problems/validation-error');
      expect([...new Set(res.json().errors.map((e: { path: string }) => e.path))].sort()).toEqual(paths);
      expect(await countEvents()).toBe(before);
    });

    it('refuses hostile identities, stores a strange but valid one only as its hash, and refuses an oversized body', async () => {
      const before = await countEvents();
      const refused = await track('lead', { url: LP, user: { email: "x'); DROP TABLE events; --@exemplo.com.br", phone: '<script>alert(1)</script>' } });
      expect(refused.statusCode).toBe(400);
      expect(refused.json().errors.map((e: { path: string }) => e.path).sort()).toEqual(['user.email', 'user.phone']);
      expect(await countEvents()).toBe(before);
      const odd = "x'or'1'='1@exemplo.com.br";
      const accepted = await track('lead', { url: LP, user: { email: odd }, utm: { source: '<script>alert(1)</script>' } });
      expect(accepted.statusCode).toBe(202);
      const row = await eventRow(accepted.json().id);
      expect(row.payload).toMatchObject({ user: { emailHash: sha256Hex(odd) }, utm: { source: '<script>alert(1)</script>' } });
      expect(JSON.stringify(row.payload)).not.toContain("or'1'");
      const big = await track('lead', { url: LP, user: { email: EMAIL }, referrer: `${LP}/?pad=${'x'.repeat(300 * 1024)}` });
      expect(big.statusCode).toBe(413);
      expect(await countEvents()).toBe(before + 1);
    });

    it('answers a retried lead (same eventId) with the same ids and stores it once', async () => {
      const sent = { url: LP, eventId: 'lead-0001-retry', user: { email: EMAIL } };
      const first = await track('lead', sent);
      expect(first.statusCode).toBe(202);
      const again = await track('lead', { ...sent, user: { phone: PHONE } });
      expect(again.statusCode).toBe(202);
      expect(again.json()).toEqual(first.json());
      const rows = await t.store.db.selectFrom('events').select(['id', 'payload']).where('delivery_key', '=', sent.eventId).where('type', '=', 'lead').execute();
      expect(rows.map((r) => r.id)).toEqual([first.json().id]);
      expect(rows[0]!.payload).toMatchObject({ user: { emailHash } }); // the first delivery's, not the retry's
      expect(await jobsFor(first.json().id)).toHaveLength(1);
      // the same eventId on another type is another event
      expect((await track('pageview', { url: LP, eventId: sent.eventId })).json().id).not.toBe(first.json().id);
    });

    it('refuses a lead from an origin outside the funnels, and without a key', async () => {
      const before = await countEvents();
      const foreign = await track('lead', { url: LP, user: { email: EMAIL } }, { origin: 'https://evil.example.net' });
      expect(foreign.statusCode).toBe(403);
      expect(foreign.headers['access-control-allow-origin']).toBeUndefined();
      const anonymous = await t.app.inject({ method: 'POST', url: '/api/v1/track/lead', payload: { url: LP, user: { email: EMAIL } } });
      expect(anonymous.statusCode).toBe(401);
      expect(await countEvents()).toBe(before);
    });
  });

  it('accepts the public key in the X-Hub-Public-Key header and JSON bodies', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/track/pageview',
      headers: { 'x-hub-public-key': tenant.publicKey, 'content-type': 'application/json' },
      payload: { url: LP },
    });
    expect(res.statusCode).toBe(202);
  });

  it('answers 401 for a missing or unknown public key and stores nothing', async () => {
    const count = async () => (await t.store.db.selectFrom('events').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n;
    const before = await count();
    for (const publicKey of [undefined, 'hub_pk_unknown', 'something-else']) {
      const res = await track('click', { url: LP, publicKey });
      expect(res.statusCode).toBe(401);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json()).toMatchObject({ type: 'https://hub.dev/problems/unauthorized', status: 401, instance: '/api/v1/track/click' });
    }
    expect(await count()).toBe(before);
  });

  it('answers 400 with the failing paths for wrong types and invalid URLs, and ignores unknown fields', async () => {
    const wrong = await track('initiate_checkout', {
      url: 'not a url',
      utm: { source: 42 },
      checkout: { url: 'javascript:alert(1)', value: 197 },
      occurredAt: 'yesterday',
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().type).toBe('https://hub.dev/problems/validation-error');
    expect(wrong.json().errors.map((e: { path: string }) => e.path).sort()).toEqual(['checkout.url', 'checkout.value', 'occurredAt', 'url', 'utm.source']);
    const unknown = await track('pageview', { url: LP, somethingNew: { deep: true }, utm: { source: 'x', extra: 1 } });
    expect(unknown.statusCode).toBe(202);
    expect(JSON.stringify((await eventRow(unknown.json().id)).payload)).not.toContain('somethingNew');
    const nul = await track('pageview', { url: LP, fbclid: 'a\u0000b' });
    expect(nul.statusCode).toBe(400);
    expect(nul.json().errors[0].path).toBe('fbclid');
  });

  it('answers malformed JSON with 400 and an oversized body with 413', async () => {
    const malformed = await t.app.inject({ method: 'POST', url: '/api/v1/track/click', headers: { 'content-type': 'text/plain' }, payload: '{"publicKey": ' });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().type).toBe('https://hub.dev/problems/malformed-json');
    const big = await track('click', { url: LP, referrer: `${LP}/?pad=${'x'.repeat(300 * 1024)}` });
    expect(big.statusCode).toBe(413);
    expect(big.headers['content-type']).toContain('application/problem+json');
  });

  it('allows CORS only from funnel origins, preflight included, and counts refusals', async () => {
    const other = await createTenantViaApi(t.app, 'Other');
    await t.app.inject({ method: 'PUT', url: '/api/v1/funnels/x', headers: bearer(other.secretKey), payload: { origins: ['https://other.example.org'] } });
    const refused = async () => (await t.deps.metrics.corsRefused.get()).values[0]?.value ?? 0;
    const preflight = (origin: string) =>
      t.app.inject({
        method: 'OPTIONS',
        url: '/api/v1/track/click',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-hub-public-key' },
      });

    const ok = await preflight(LP);
    expect(ok.statusCode).toBe(204);
    expect(ok.headers['access-control-allow-origin']).toBe(LP);
    expect(String(ok.headers['access-control-allow-methods'])).toContain('POST');
    expect(String(ok.headers['access-control-allow-headers']).toLowerCase()).toContain('x-hub-public-key');

    const start = await refused();
    const stranger = await preflight('https://evil.example.net');
    expect(stranger.headers['access-control-allow-origin']).toBeUndefined();
    expect(stranger.statusCode).toBeGreaterThanOrEqual(400);
    expect(await refused()).toBe(start + 1);

    const fromFunnel = await track('click', { url: `${LP}/?fbclid=c1` }, { origin: LP });
    expect(fromFunnel.statusCode).toBe(202);
    expect(fromFunnel.headers['access-control-allow-origin']).toBe(LP);
    // another tenant's funnel origin passes the preflight but not the request with this tenant's key
    const count = async () => (await t.store.db.selectFrom('events').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n;
    const before = await count();
    const crossTenant = await track('click', { url: 'https://other.example.org/' }, { origin: 'https://other.example.org' });
    expect(crossTenant.statusCode).toBe(403);
    expect(crossTenant.headers['access-control-allow-origin']).toBeUndefined();
    expect(crossTenant.headers['content-type']).toContain('application/problem+json');
    expect(await count()).toBe(before);
    expect(await refused()).toBe(start + 2);
    // server-side callers send no Origin: allowed with the key, no CORS headers
    const server = await track('click', { url: LP });
    expect(server.statusCode).toBe(202);
    expect(server.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('accepts a funnel origin added a moment ago', async () => {
    const fresh = await createTenantViaApi(t.app, 'Fresh');
    const origin = 'https://fresh.example.com';
    const first = await t.app.inject({ method: 'POST', url: '/api/v1/track/pageview', headers: { origin }, payload: { publicKey: fresh.publicKey, url: origin } });
    expect(first.statusCode).toBe(403);
    await t.app.inject({ method: 'PUT', url: '/api/v1/funnels/new', headers: bearer(fresh.secretKey), payload: { origins: [origin] } });
    await new Promise((r) => setTimeout(r, 1100));
    const later = await t.app.inject({ method: 'POST', url: '/api/v1/track/pageview', headers: { origin }, payload: { publicKey: fresh.publicKey, url: origin } });
    expect(later.statusCode).toBe(202);
    expect(later.headers['access-control-allow-origin']).toBe(origin);
  });

  it('publishes the tracking endpoints in the OpenAPI document', async () => {
    const spec = (await t.app.inject({ url: '/api/v1/openapi.json' })).json();
    for (const type of ['click', 'pageview', 'initiate_checkout', 'lead']) {
      const op = spec.paths[`/api/v1/track/${type}`].post;
      expect(op.responses).toHaveProperty('202');
      const ref: string = op.requestBody.content['application/json'].schema.$ref;
      const schema = spec.components.schemas[ref.split('/').pop()!];
      expect(schema.properties).toHaveProperty('fbclid');
      if (type === 'click' || type === 'pageview') expect(schema.required).toContain('url');
      if (type === 'lead') expect(schema.required).toEqual(['user']);
      else expect(schema.required ?? []).not.toContain('user');
    }
  });
});

describe('tracking rate limits', () => {
  // HUB_RATE_LIMIT_PER_MINUTE = 3: three requests a minute from one address to one tenant.
  let t: TestApp;
  let tenants: { id: string; publicKey: string; secretKey: string }[];
  beforeAll(async () => {
    t = await buildTestApp({ kind: 'postgres', config: { rateLimitPerMinute: 3 } });
    tenants = [await createTenantViaApi(t.app, 'A'), await createTenantViaApi(t.app, 'B'), await createTenantViaApi(t.app, 'C')];
  });
  afterAll(async () => {
    await t?.close();
  });
  const send = (publicKey: string, remoteAddress: string) =>
    t.app.inject({ method: 'POST', url: '/api/v1/track/pageview', remoteAddress, payload: { publicKey, url: LP } });

  it('limits one address per tenant, with a problem and Retry-After; other addresses and other tenants go on', async () => {
    const [a, b] = [tenants[0]!.publicKey, tenants[1]!.publicKey];
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await send(a, '198.51.100.50')).statusCode);
    expect(statuses).toEqual([202, 202, 202, 429]);
    const limited = await send(a, '198.51.100.50');
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['content-type']).toContain('application/problem+json');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.json()).toMatchObject({ type: 'https://hub.dev/problems/rate-limited', status: 429 });
    expect((await send(a, '198.51.100.51')).statusCode).toBe(202);
    expect((await send(b, '198.51.100.50')).statusCode).toBe(202);
    // an IPv6 /64 is one customer's network: one address
    const v6 = [];
    for (let i = 1; i <= 4; i++) v6.push((await send(b, `2001:db8:1:2::${i.toString(16)}`)).statusCode);
    expect(v6).toEqual([202, 202, 202, 429]);
  });

  it('applies the tenant’s own limits from its settings: a higher per-address limit, and a ceiling over all addresses', async () => {
    const c = tenants[2]!;
    const settings = (payload?: Record<string, unknown>) =>
      payload === undefined
        ? t.app.inject({ url: '/api/v1/tenant/settings', headers: bearer(c.secretKey) })
        : t.app.inject({ method: 'PATCH', url: '/api/v1/tenant/settings', headers: bearer(c.secretKey), payload });
    // the defaults: HUB_RATE_LIMIT_PER_MINUTE per address, 30,000 for the tenant
    expect((await settings()).json().rateLimits).toEqual({ perIpPerMinute: 3, tenantPerMinute: 30_000 });
    const refused = await settings({ rateLimits: { perIpPerMinute: 5, tenantPerMinute: 1.5 } });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().errors.map((e: { path: string }) => e.path).sort()).toEqual(['rateLimits.perIpPerMinute', 'rateLimits.tenantPerMinute']);
    const patch = await t.app.inject({
      method: 'PATCH',
      url: '/api/v1/tenant/settings',
      headers: bearer(c.secretKey),
      payload: { rateLimits: { perIpPerMinute: 100, tenantPerMinute: 60 } },
    });
    expect(patch.statusCode, patch.body).toBe(200);
    expect(patch.json().rateLimits).toEqual({ perIpPerMinute: 100, tenantPerMinute: 60 });
    const statuses: number[] = [];
    for (let i = 0; i < 61; i++) statuses.push((await send(c.publicKey, '203.0.113.9')).statusCode);
    expect(statuses.filter((s) => s === 202)).toHaveLength(60); // 100 allowed to the address; the ceiling is 60
    expect(statuses.at(-1)).toBe(429);
    expect((await send(c.publicKey, '203.0.113.10')).statusCode).toBe(429); // the ceiling covers every address
    expect((await send(tenants[1]!.publicKey, '203.0.113.10')).statusCode).toBe(202); // and no other tenant
  });

  it('lets one address present only a few keys the process does not know (each costs a database read)', async () => {
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await send(`hub_pk_unknown${i}`, '192.0.2.77')).statusCode);
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
    // a key in memory costs nothing: the address is not refused for it
    expect((await send(tenants[1]!.publicKey, '192.0.2.77')).statusCode).toBe(202);
  });
});

describe('tracking rate limits shared through Redis (HUB_REDIS_URL)', () => {
  it('counts requests to two API processes together', async () => {
    const redisUrl = process.env.HUB_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
    const a = await buildTestApp({ kind: 'postgres', config: { rateLimitPerMinute: 3, redisUrl } });
    const b = await buildTestApp({ store: a.store, config: { rateLimitPerMinute: 3, redisUrl } });
    try {
      const { publicKey } = await createTenantViaApi(a.app, 'Shared');
      const statuses = [];
      // a fresh tenant each run: Redis keeps counts for a minute across test runs
      for (const app of [a, b, a, b]) {
        const res = await app.app.inject({ method: 'POST', url: '/api/v1/track/pageview', remoteAddress: '10.1.2.3', payload: { publicKey, url: LP } });
        statuses.push(res.statusCode);
      }
      expect(statuses).toEqual([202, 202, 202, 429]);
    } finally {
      await b.close();
      await a.close();
    }
  });
});

describe('refused origins', () => {
  let store: TestStore;
  let t: TestApp;
  let tenant: { id: string; publicKey: string; secretKey: string };
  const REAL = 'https://www.loja.example.com.br'; // the seller's page, missing from the funnel
  beforeAll(async () => {
    store = await createTestStore('pglite');
    t = await buildTestApp({ store, config: { rateLimitPerMinute: 1_000_000 } });
    tenant = await createTenantViaApi(t.app, 'Loja');
    await t.app.inject({ method: 'PUT', url: '/api/v1/funnels/main', headers: bearer(tenant.secretKey), payload: { origins: [LP] } });
  });
  afterAll(async () => {
    await t?.close();
    await store?.dispose();
  });

  const send = (origin: string) =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/track/pageview',
      headers: { origin, 'content-type': 'text/plain;charset=UTF-8' },
      payload: JSON.stringify({ publicKey: tenant.publicKey, url: LP }),
    });
  const logLines = () => t.logs.map((line) => JSON.parse(line) as { level: number; msg: string; origin?: string; tenantId?: string });

  it('counts them per tenant without a database write per request, logs each once, and lists them after the flush at close', async () => {
    const before = await store.db.selectFrom('refused_origins').selectAll().execute();
    expect(before).toEqual([]);
    // thousands of random origins, very long ones and ones with control characters, and among them
    // the seller's real page, refused on every tenth request as real visitors would be
    const hostile = [`https://${'a'.repeat(20_000)}.example`, 'https://evil\u0001\u007f.example', 'https://\u00e9vil.example', 'null'];
    for (let i = 0; i < 2_000; i++) {
      const origin = i % 10 === 5 ? REAL : i < hostile.length ? hostile[i]! : `https://${i}-${(i * 7919) % 104_729}.attacker.example`;
      const res = await send(origin);
      expect(res.statusCode).toBe(403);
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
    }
    // nothing written on the request path
    expect(await store.db.selectFrom('refused_origins').selectAll().execute()).toEqual([]);

    const warnings = logLines().filter((l) => l.level === 40 && l.tenantId === tenant.id);
    expect(warnings.filter((l) => l.origin === REAL)).toHaveLength(1);
    expect(warnings.length).toBeLessThanOrEqual(11); // a few origins, then one line saying the rest are not logged
    for (const line of warnings) {
      expect([...line.msg].some((c) => c < ' ' || c === '\x7f')).toBe(false); // no control characters
      expect((line.origin ?? '').length).toBeLessThanOrEqual(200);
    }
    expect(warnings.find((l) => l.origin === REAL)!.msg).toContain('PUT /api/v1/funnels/main');

    await t.app.close(); // the onClose hook flushes
    const listed = await listRefusedOrigins(store.db, tenant.id);
    expect(listed[0]).toEqual({ origin: REAL, count: 200, lastSeenAt: expect.any(Date) });
    expect(listed.length).toBeLessThanOrEqual(20);
    for (const row of listed) {
      expect(row.origin.length).toBeLessThanOrEqual(200);
      expect(row.origin).toMatch(/^[\x20-\x7e]*$/);
    }
  });

  it('logs a refused preflight without a tenant and stores nothing for it', async () => {
    const other = await buildTestApp({ store, config: { rateLimitPerMinute: 1_000_000 } });
    try {
      const res = await other.app.inject({
        method: 'OPTIONS',
        url: '/api/v1/track/click',
        headers: { origin: 'https://unknown.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
      });
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
      const lines = other.logs.map((line) => JSON.parse(line) as { level: number; msg: string; origin?: string; tenantId?: string });
      const warning = lines.find((l) => l.level === 40 && l.origin === 'https://unknown.example');
      expect(warning).toBeDefined();
      expect(warning!.tenantId).toBeUndefined();
      expect(warning!.msg).toContain('CORS preflight refused');
    } finally {
      await other.app.close();
    }
    expect((await store.db.selectFrom('refused_origins').select('origin').execute()).map((r) => r.origin)).not.toContain('https://unknown.example');
  });
});
