// Guards what the matcher links purchases to: sessions, clicks and hashed identities are upserted from
// tracking events idempotently (a rerun changes nothing) and independently of processing order; an
// identity the tenant's server vouched for stays verified; the tracking tenant of a public key or a
// secret key carries the tenant's own rate limits.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS, createTestStore, type TestStore } from '../../test/support/databases.ts';
import { newId } from '../lib/ids.ts';
import { SessionMemoryCache, buildTrackingEvent, type IdentityAuthority, type TrackRequest, type TrackingEventType } from '../domain/tracking/index.ts';
import { hashSecretKey } from '../domain/tenancy/api-keys.ts';
import { sha256Hex } from '../domain/identity/index.ts';
import { createTenant, updateTenantSettings } from './tenants.ts';
import { upsertFunnel } from './funnels.ts';
import { insertEvents } from './events.ts';
import { clickIdOfEvent, findTrackingTenant, findTrackingTenantBySecretKeyHash, listAllFunnelOrigins, recordTrackingEvent } from './tracking.ts';
import type { EventRow } from './database.ts';

const T0 = new Date('2026-11-29T12:00:00.000Z');
const MIN = 60_000;

describe.each(STORE_KINDS)('tracking store on %s', (kind) => {
  let store: TestStore;
  let tenantId: string;
  let publicKey: string;
  let secretKey: string;
  const sessions = new SessionMemoryCache();

  beforeAll(async () => {
    store = await createTestStore(kind);
    const created = await createTenant(store.db, { name: 'Tracking' });
    tenantId = created.tenant.id;
    publicKey = created.publicKey;
    secretKey = created.secretKey;
  });
  afterAll(async () => {
    await store?.dispose();
  });

  /** Stores a tracking event as the API would and returns its row. */
  async function storeEvent(
    type: TrackingEventType,
    request: TrackRequest,
    at: Date,
    userAgent = 'Mozilla/5.0 (X11; Linux x86_64) Chrome/140.0',
    authority: IdentityAuthority = 'public_key',
  ): Promise<EventRow> {
    const built = buildTrackingEvent({ ...request, occurredAt: at.toISOString() }, {
      type,
      tenantId,
      authority,
      now: new Date(at.getTime() + 1000),
      userAgent,
      funnelSlug: 'main',
      sessions,
      newId,
    });
    await store.db.transaction().execute((trx) =>
      insertEvents(trx, [
        {
          id: built.id,
          tenant_id: tenantId,
          type,
          gateway: null,
          delivery_key: built.deliveryKey,
          occurred_at: built.occurredAt,
          flags: built.flags,
          payload: JSON.stringify(built.payload),
          raw_body: null,
          raw_headers: null,
          evidence_ref: null,
          client_ip: '203.0.113.7',
          user_agent: userAgent,
          error: null,
        },
      ]),
    );
    return store.db.selectFrom('events').selectAll().where('id', '=', built.id).executeTakeFirstOrThrow();
  }

  const record = (event: EventRow) => store.db.transaction().execute((trx) => recordTrackingEvent(trx, event));
  const sessionRow = (id: string) =>
    store.db.selectFrom('sessions').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirstOrThrow();
  const snapshot = async () => ({
    sessions: await store.db.selectFrom('sessions').selectAll().where('tenant_id', '=', tenantId).orderBy('id').execute(),
    clicks: await store.db.selectFrom('clicks').selectAll().where('tenant_id', '=', tenantId).orderBy('id').execute(),
    identities: await store.db.selectFrom('identities').selectAll().where('tenant_id', '=', tenantId).orderBy('session_id').orderBy('kind').execute(),
  });

  it('records a click as a session and a click, and a rerun changes nothing', async () => {
    const visitorId = newId('vis');
    const click = await storeEvent('click', { visitorId, url: 'https://lp.example.com/o?fbclid=AbC123&utm_source=fb&utm_campaign=bf' }, T0);
    const payload = click.payload as { sessionId: string; fbc: string };
    await record(click);
    const before = await snapshot();
    await record(click);
    expect(await snapshot()).toEqual(before);

    const session = await sessionRow(payload.sessionId);
    expect(session).toMatchObject({
      visitor_id: visitorId,
      funnel_slug: 'main',
      click_id: clickIdOfEvent(click.id),
      fbclid: 'AbC123',
      fbc: `fb.1.${T0.getTime()}.AbC123`,
      landing_url: 'https://lp.example.com/o?fbclid=AbC123&utm_source=fb&utm_campaign=bf',
      utm: { source: 'fb', campaign: 'bf' },
      client_ip: '203.0.113.7',
      is_bot: false,
    });
    expect(session.started_at.getTime()).toBe(T0.getTime());
    const clicks = before.clicks.filter((c) => c.session_id === payload.sessionId);
    expect(clicks).toHaveLength(1);
    expect(clicks[0]).toMatchObject({ event_id: click.id, fbclid: 'AbC123', fbc: payload.fbc, visitor_id: visitorId });
  });

  it('continues a session whatever order its events are processed in', async () => {
    const visitorId = newId('vis');
    const click = await storeEvent('click', { visitorId, url: 'https://lp.example.com/?fbclid=Ord1&utm_source=ig' }, T0);
    const sessionId = (click.payload as { sessionId: string }).sessionId;
    const pageview = await storeEvent('pageview', { visitorId, sessionId, url: 'https://lp.example.com/precos' }, new Date(T0.getTime() + 10 * MIN));
    const checkout = await storeEvent(
      'initiate_checkout',
      { visitorId, sessionId, url: 'https://lp.example.com/precos', checkout: { url: 'https://pay.hotmart.com/X1' }, user: { email: ' Ana@Example.com ', phone: '(11) 98765-4321' } },
      new Date(T0.getTime() + 12 * MIN),
    );
    expect((pageview.payload as { sessionId: string }).sessionId).toBe(sessionId);
    expect((checkout.payload as { sessionId: string }).sessionId).toBe(sessionId);
    // the checkout and pageview first, the click last
    await record(checkout);
    await record(pageview);
    await record(click);
    await record(pageview);
    const session = await sessionRow(sessionId);
    expect(session.started_at.getTime()).toBe(T0.getTime());
    expect(session.last_seen_at.getTime()).toBe(T0.getTime() + 12 * MIN);
    expect(session.landing_url).toBe('https://lp.example.com/?fbclid=Ord1&utm_source=ig');
    expect(session.utm).toEqual({ source: 'ig' });
    expect(session.click_id).toBe(clickIdOfEvent(click.id));
    const identities = await store.db.selectFrom('identities').selectAll().where('session_id', '=', sessionId).orderBy('kind').execute();
    expect(identities.map((i) => [i.kind, i.value_hash, i.source, i.event_id])).toEqual([
      ['email', sha256Hex('ana@example.com'), 'initiate_checkout', checkout.id],
      ['phone', sha256Hex('5511987654321'), 'initiate_checkout', checkout.id],
    ]);
  });

  it('starts a new session for a new click id and after 30 idle minutes', async () => {
    const visitorId = newId('vis');
    const first = await storeEvent('click', { visitorId, url: 'https://lp.example.com/?fbclid=First' }, T0);
    const firstSession = (first.payload as { sessionId: string }).sessionId;
    const second = await storeEvent('click', { visitorId, sessionId: firstSession, url: 'https://lp.example.com/?fbclid=Second' }, new Date(T0.getTime() + 5 * MIN));
    const secondSession = (second.payload as { sessionId: string }).sessionId;
    const idle = await storeEvent('pageview', { visitorId, sessionId: secondSession, url: 'https://lp.example.com/' }, new Date(T0.getTime() + 40 * MIN));
    const idleSession = (idle.payload as { sessionId: string }).sessionId;
    expect(new Set([firstSession, secondSession, idleSession]).size).toBe(3);
    for (const e of [first, second, idle]) await record(e);
    const rows = await store.db.selectFrom('sessions').select(['id', 'fbclid', 'click_id']).where('visitor_id', '=', visitorId).orderBy('started_at').execute();
    expect(rows).toEqual([
      { id: firstSession, fbclid: 'First', click_id: clickIdOfEvent(first.id) },
      { id: secondSession, fbclid: 'Second', click_id: clickIdOfEvent(second.id) },
      { id: idleSession, fbclid: null, click_id: null },
    ]);
  });

  it('keeps bots flagged and out of the identities', async () => {
    const bot = await storeEvent(
      'initiate_checkout',
      { url: 'https://lp.example.com/', checkout: { url: 'https://pay.kiwify.com.br/abc' }, user: { email: 'bot@example.com' } },
      T0,
      'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
    );
    expect(bot.flags).toContain('bot');
    await record(bot);
    const sessionId = (bot.payload as { sessionId: string }).sessionId;
    expect((await sessionRow(sessionId)).is_bot).toBe(true);
    expect(await store.db.selectFrom('identities').select('kind').where('session_id', '=', sessionId).execute()).toEqual([]);
  });

  it('keeps an identity the tenant’s server vouched for verified, whatever public-key calls send later', async () => {
    const visitorId = newId('vis');
    const user = { email: 'vouched@example.com' };
    const server = await storeEvent('lead', { visitorId, url: 'https://lp.example.com/', user }, T0, undefined, 'secret_key');
    const sessionId = (server.payload as { sessionId: string }).sessionId;
    const pixel = await storeEvent('lead', { visitorId, sessionId, url: 'https://lp.example.com/', user }, new Date(T0.getTime() + MIN));
    const elsewhere = await storeEvent('click', { url: 'https://lp.example.com/?fbclid=Forged', user }, new Date(T0.getTime() + 2 * MIN));
    for (const e of [pixel, server, elsewhere]) await record(e);
    const rows = await store.db
      .selectFrom('identities')
      .select(['session_id', 'verified', 'event_id'])
      .where('tenant_id', '=', tenantId)
      .where('value_hash', '=', sha256Hex('vouched@example.com'))
      .execute();
    expect(rows).toHaveLength(2);
    expect(rows.find((r) => r.session_id === sessionId)).toEqual({ session_id: sessionId, verified: true, event_id: pixel.id });
    expect(rows.find((r) => r.session_id !== sessionId)?.verified).toBe(false);
  });

  it('finds the tenant of a public key with its funnel origins and checkout hosts', async () => {
    const defaults = { perIpPerMinute: null, tenantPerMinute: null };
    expect(await findTrackingTenant(store.db, publicKey)).toEqual({ tenantId, funnels: [], rateLimits: defaults });
    await upsertFunnel(store.db, tenantId, 'main', { origins: ['https://lp.example.com'], checkoutHosts: ['pay.example-checkout.com'] });
    await upsertFunnel(store.db, tenantId, 'b', { origins: ['https://b.example.com', 'https://lp.example.com'], checkoutHosts: [] });
    const expected = {
      tenantId,
      funnels: [
        { slug: 'b', origins: ['https://b.example.com', 'https://lp.example.com'], checkoutHosts: [] },
        { slug: 'main', origins: ['https://lp.example.com'], checkoutHosts: ['pay.example-checkout.com'] },
      ],
      rateLimits: defaults,
    };
    expect(await findTrackingTenant(store.db, publicKey)).toEqual(expected);
    expect(await findTrackingTenant(store.db, 'hub_pk_nope')).toBeUndefined();
    // the same by the secret key's hash, for servers that track with it
    expect(await findTrackingTenantBySecretKeyHash(store.db, hashSecretKey(secretKey))).toEqual(expected);
    expect(await findTrackingTenantBySecretKeyHash(store.db, hashSecretKey('hub_sk_nope'))).toBeUndefined();
    // the tenant's own limits; a value written by hand out of range falls back to the default
    await updateTenantSettings(store.db, tenantId, { rateLimits: { perIpPerMinute: 1200, tenantPerMinute: -5 } });
    expect((await findTrackingTenant(store.db, publicKey))?.rateLimits).toEqual({ perIpPerMinute: 1200, tenantPerMinute: null });
    await updateTenantSettings(store.db, tenantId, {});
    expect((await listAllFunnelOrigins(store.db)).sort()).toEqual(['https://b.example.com', 'https://lp.example.com']);
  });
});
