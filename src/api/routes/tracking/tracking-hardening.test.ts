// Guards the tracking API against what an attacker tried (issue 15): one address switching a tenant's
// tracking off (finding 1), identities claimed with the public key passing for the seller's own
// (finding 8: only `Authorization: Bearer hub_sk_…` vouches for them), a session id of one tenant ending
// another tenant's session (finding 9), and `javascript:`/`data:` URLs stored for a view to show
// (finding 10), with `X-Content-Type-Options: nosniff` on every answer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, buildTestApp, createTenantViaApi, type TestApp } from '../../../../test/support/app.ts';
import type { TrackingPayload } from '../../../store/tracking.ts';

const LP = 'https://lp.example.com';
const UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36';

describe('one abusive address while a launch goes on (finding 1)', () => {
  // HUB_RATE_LIMIT_PER_MINUTE = 30 per address; the tenant ceiling keeps its default (30,000).
  let t: TestApp;
  let publicKey: string;
  beforeAll(async () => {
    t = await buildTestApp({ config: { rateLimitPerMinute: 30 } });
    publicKey = (await createTenantViaApi(t.app, 'Launch')).publicKey;
  });
  afterAll(async () => {
    await t?.close();
  });
  const pageview = (remoteAddress: string) =>
    t.app.inject({ method: 'POST', url: '/api/v1/track/pageview', remoteAddress, headers: { 'user-agent': UA }, payload: { publicKey, url: LP } });

  it('refuses the abusive address at 10× its limit, and none of 50 other visitors', async () => {
    const abusive: number[] = [];
    const others: number[] = [];
    // ten rounds: the abuser sends its whole minute's allowance each round, the visitors a page view
    // each in five of them, all at once
    for (let round = 0; round < 10; round++) {
      const burst = Array.from({ length: 30 }, () => pageview('198.51.100.66').then((r) => abusive.push(r.statusCode)));
      const visitors = round < 5 ? Array.from({ length: 50 }, (_, i) => pageview(`203.0.113.${i + 1}`).then((r) => others.push(r.statusCode))) : [];
      await Promise.all([...burst, ...visitors]);
    }
    expect(abusive).toHaveLength(300);
    expect(abusive.filter((s) => s === 202)).toHaveLength(30);
    expect(abusive.filter((s) => s === 429)).toHaveLength(270);
    expect(others).toHaveLength(250);
    expect(others.filter((s) => s !== 202)).toEqual([]);
  });
});

describe('tracking API hardening', () => {
  let t: TestApp;
  let a: { id: string; publicKey: string; secretKey: string };
  let b: { id: string; publicKey: string; secretKey: string };
  beforeAll(async () => {
    t = await buildTestApp({ config: { rateLimitPerMinute: 3 } });
    a = await createTenantViaApi(t.app, 'A');
    b = await createTenantViaApi(t.app, 'B');
  });
  afterAll(async () => {
    await t?.close();
  });
  let address = 0;
  /** A fresh address per call: these tests are not about the per-address limit (3 a minute here). */
  const track = (type: string, body: Record<string, unknown>, headers: Record<string, string> = {}, remoteAddress = `192.0.2.${++address}`) =>
    t.app.inject({ method: 'POST', url: `/api/v1/track/${type}`, remoteAddress, headers: { 'user-agent': UA, ...headers }, payload: body });
  const payloadOf = async (id: string) =>
    (await t.store.db.selectFrom('events').select(['payload', 'flags']).where('id', '=', id).executeTakeFirstOrThrow()) as { payload: TrackingPayload; flags: string[] };

  describe('identities vouched for by the secret key (finding 8)', () => {
    const user = { email: 'buyer@example.com' };

    it('marks what a public-key call carries as the public key’s, whatever Origin it claims', async () => {
      const res = await track('lead', { publicKey: a.publicKey, url: LP, user });
      expect(res.statusCode, res.body).toBe(202);
      expect((await payloadOf(res.json().id)).payload.authority).toBe('public_key');
    });

    it('takes the secret key alone, or with the same tenant’s public key, as the tenant’s own server', async () => {
      for (const body of [{ url: LP, user }, { publicKey: a.publicKey, url: LP, user }]) {
        const res = await track('lead', body, bearer(a.secretKey));
        expect(res.statusCode, res.body).toBe(202);
        const stored = await t.store.db.selectFrom('events').select(['tenant_id', 'payload']).where('id', '=', res.json().id).executeTakeFirstOrThrow();
        expect(stored.tenant_id).toBe(a.id);
        expect((stored.payload as TrackingPayload).authority).toBe('secret_key');
      }
    });

    it('refuses another tenant’s public key beside a secret key, an unknown secret key and a malformed one, storing nothing', async () => {
      const count = async () => Number((await t.store.db.selectFrom('events').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
      const before = await count();
      const mixed = await track('lead', { publicKey: b.publicKey, url: LP, user }, bearer(a.secretKey));
      expect(mixed.statusCode).toBe(401);
      expect(mixed.json().detail).toContain('secret key');
      expect((await track('lead', { url: LP, user }, bearer('hub_sk_not-a-key-of-anyone'))).statusCode).toBe(401);
      expect((await track('lead', { publicKey: a.publicKey, url: LP, user }, bearer('hub_pk_is_not_a_secret'))).statusCode).toBe(401);
      expect(await count()).toBe(before);
    });

    it('counts the tenant’s server against the tenant ceiling only, not the per-address limit', async () => {
      const statuses = [];
      for (let i = 0; i < 6; i++) statuses.push((await track('pageview', { url: LP }, bearer(a.secretKey), '198.51.100.200')).statusCode);
      expect(statuses).toEqual([202, 202, 202, 202, 202, 202]);
    });
  });

  it('remembers sessions per tenant: tenant B’s click does not replace tenant A’s session of the same id (finding 9)', async () => {
    const sid = 'sid_shared_between_tenants';
    const first = await track('click', { publicKey: a.publicKey, sessionId: sid, url: `${LP}/?fbclid=ClickOfA` });
    expect(first.json().sessionId).toBe(sid);
    const other = await track('click', { publicKey: b.publicKey, sessionId: sid, url: `${LP}/?fbclid=ClickOfB` });
    expect(other.statusCode).toBe(202);
    expect(other.json().sessionId).toBe(sid);
    expect((await payloadOf(other.json().id)).payload.replacedSessionId).toBeNull();
    // and A's session still continues with A's click
    expect((await track('pageview', { publicKey: a.publicKey, sessionId: sid, url: LP })).json().sessionId).toBe(sid);
  });

  describe('URLs (finding 10)', () => {
    it.each([
      ['javascript:', 'javascript:alert(document.cookie)'],
      ['data:', 'data:text/html,<script>alert(1)</script>'],
      ['an app', 'android-app://com.google.android.gm/'],
      ['not a URL', '<script>alert(1)</script>'],
      ['a NUL', 'https://l.facebook.com/\u0000'],
    ])('tracks a page with %s referrer, dropping the referrer and flagging the event', async (_name, referrer) => {
      const res = await track('pageview', { publicKey: a.publicKey, url: LP, referrer });
      expect(res.statusCode, res.body).toBe(202);
      const { payload, flags } = await payloadOf(res.json().id);
      expect(payload.referrer).toBeNull();
      expect(flags).toContain('referrer_not_http');
    });

    it('keeps an http(s) referrer as sent', async () => {
      const res = await track('pageview', { publicKey: a.publicKey, url: LP, referrer: 'https://l.facebook.com/' });
      const { payload, flags } = await payloadOf(res.json().id);
      expect(payload.referrer).toBe('https://l.facebook.com/');
      expect(flags).not.toContain('referrer_not_http');
    });

    it.each([
      ['url', 'click', { url: 'javascript:alert(1)' }],
      ['url', 'initiate_checkout', { url: 'data:text/html,x', checkout: { url: 'https://pay.hotmart.com/X1' } }],
      ['checkout.url', 'initiate_checkout', { url: LP, checkout: { url: 'javascript:alert(1)' } }],
    ])('refuses a non-http(s) %s on %s with 400 naming it', async (field, type, body) => {
      const res = await track(type, { publicKey: a.publicKey, ...body });
      expect(res.statusCode).toBe(400);
      expect(res.json().errors.map((e: { path: string }) => e.path)).toEqual([field]);
    });

    it('stores a <script> UTM as text and answers it JSON-encoded, with nosniff', async () => {
      const res = await track('pageview', { publicKey: a.publicKey, url: LP, utm: { source: '<script>alert(1)</script>' } });
      expect((await payloadOf(res.json().id)).payload.utm.source).toBe('<script>alert(1)</script>');
      const story = await t.app.inject({ url: `/api/v1/events/${res.json().id}`, headers: bearer(a.secretKey) });
      expect(story.statusCode).toBe(200);
      expect(story.headers['content-type']).toContain('application/json');
      expect(story.headers['x-content-type-options']).toBe('nosniff');
    });
  });

  it('answers every response with X-Content-Type-Options: nosniff, errors included', async () => {
    const answers = [
      await track('pageview', { publicKey: a.publicKey, url: LP }),
      await track('pageview', { publicKey: a.publicKey, url: 'javascript:x' }),
      await track('pageview', { url: LP }),
      await t.app.inject({ url: '/api/v1/no-such-route' }),
      await t.app.inject({ url: '/api/v1/openapi.json' }),
      await t.app.inject({ url: '/pixel.js' }),
      await t.app.inject({ url: '/api/v1/tenant', headers: bearer('hub_sk_wrong') }),
    ];
    for (let i = 0; i < 4; i++) answers.push(await track('pageview', { publicKey: a.publicKey, url: LP }, {}, '198.51.100.99'));
    expect(answers.map((r) => r.statusCode)).toEqual([202, 400, 401, 404, 200, 200, 401, 202, 202, 202, 429]);
    for (const r of answers) expect(r.headers['x-content-type-options']).toBe('nosniff');
  });
});
