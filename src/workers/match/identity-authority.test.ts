// Guards attribution against a forged identity (issue 15, finding 8): a competitor who knows a buyer's
// e-mail sends a server-side `track/click` with the public key, no Origin, its own fbclid and that
// e-mail. The real API records it; the real match worker must not give it a purchase the gateway's
// pass-through id points elsewhere, nor let it outrank what the seller's server sent with its secret key.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS } from '../../../test/support/databases.ts';
import { bearer, buildTestApp, createTenantViaApi, type TestApp } from '../../../test/support/app.ts';
import { createDbQueue } from '../../queue/db-queue.ts';
import { jobCatalog } from '../../queue/job-catalog.ts';
import { insertEvents } from '../../store/events.ts';
import type { NewEvent } from '../../store/database.ts';
import { getGateway } from '../../domain/gateways/index.ts';
import { CONFIDENCE } from '../../domain/matching/index.ts';
import { normalizeEmail, sha256Hex } from '../../domain/identity/index.ts';
import { newId } from '../../lib/ids.ts';
import { webhookBody, type SaleFacts } from '../../../bench/match/gateway-bodies.ts';
import { createMatchHandler } from './match-handler.ts';
import { matchWorkerDeps } from './match-worker-deps.ts';

const LP = 'https://lp.example.com';
const UA = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148';
const MIN = 60_000;

describe.each(STORE_KINDS)('identity authority on %s', (kind) => {
  let t: TestApp;
  let tenant: { id: string; publicKey: string; secretKey: string };
  beforeAll(async () => {
    t = await buildTestApp({ kind, config: { rateLimitPerMinute: 10_000 } });
    tenant = await createTenantViaApi(t.app, 'Acme');
    await t.app.inject({ method: 'PUT', url: '/api/v1/funnels/main', headers: bearer(tenant.secretKey), payload: { origins: [LP] } });
  });
  afterAll(async () => {
    await t?.close();
  });

  const ago = (minutes: number) => new Date(Date.now() - minutes * MIN).toISOString();
  async function track(type: string, body: Record<string, unknown>, headers: Record<string, string>) {
    const res = await t.app.inject({ method: 'POST', url: `/api/v1/track/${type}`, headers: { 'user-agent': UA, ...headers }, payload: body });
    expect(res.statusCode, res.body).toBe(202);
    return res.json() as { id: string; sessionId: string; visitorId: string; fbc: string | null };
  }
  /** The buyer's browser: the pixel, from the landing page. */
  const pixel = (type: string, body: Record<string, unknown>) => track(type, { publicKey: tenant.publicKey, ...body }, { origin: LP });
  /** The competitor: a server-side call with the public key copied from the page, no Origin. */
  const forger = (body: Record<string, unknown>) => track('click', { publicKey: tenant.publicKey, ...body }, {});
  /** The seller's own server: the secret key. */
  const sellerServer = (type: string, body: Record<string, unknown>) => track(type, body, bearer(tenant.secretKey));

  async function purchase(transactionId: string, email: string, sck: string | null): Promise<void> {
    const facts: SaleFacts = {
      transactionId, deliveryId: crypto.randomUUID(), occurredAt: new Date(), email, phone: null, firstName: 'Ana', lastName: 'Souza',
      city: 'São Paulo', state: 'SP', zip: '01310-100', ip: '177.1.2.3', value: '197.00', currency: 'BRL', productId: 'prod_1', sck,
    };
    const body = Buffer.from(JSON.stringify(webhookBody('hotmart', 'purchase', facts)));
    const parsed = getGateway('hotmart')!.parse({ rawBody: body, headers: {}, query: {}, receivedAt: facts.occurredAt });
    if (!parsed.ok) throw new Error(parsed.reason);
    const event: NewEvent = {
      id: newId('evt'), tenant_id: tenant.id, type: 'webhook', gateway: 'hotmart', delivery_key: parsed.deliveryId, occurred_at: facts.occurredAt, flags: [],
      payload: JSON.stringify({ query: {}, eventType: parsed.eventType }), raw_body: body, raw_headers: JSON.stringify({}), evidence_ref: null,
      client_ip: null, user_agent: null, error: null,
    };
    await t.store.db.transaction().execute(async (trx) => {
      await insertEvents(trx, [event]);
      await createDbQueue(t.store.db).enqueue(trx, 'ingest-events', [{ tenantId: tenant.id, payload: { eventId: event.id, tenantId: tenant.id } }]);
    });
  }

  /** Runs the match worker until the queue is empty; a pass-through session never seen is not waited for. */
  async function runWorker(): Promise<void> {
    const queue = createDbQueue(t.store.db);
    const handler = createMatchHandler(matchWorkerDeps({ store: t.store, queue, passthroughWaitMs: 0 }));
    for (;;) {
      const jobs = await queue.claim('ingest-events', { max: 50, visibilityMs: 60_000, workerId: 't' });
      if (jobs.length === 0) return;
      const outcomes = await handler.handle(jobs);
      for (const [i, job] of jobs.entries()) {
        const outcome = outcomes[i]!;
        if (outcome.kind === 'ok') await queue.ack(job);
        else if (outcome.kind === 'retry') await queue.retry(job, { delayMs: 60_000, error: outcome.reason, maxAttempts: jobCatalog['ingest-events'].maxAttempts });
        else if (outcome.kind === 'dead_letter') await queue.deadLetter(job, outcome.reason);
      }
    }
  }

  async function matchOf(transactionId: string) {
    const conversion = await t.store.db.selectFrom('conversions').selectAll().where('tenant_id', '=', tenant.id).where('transaction_id', '=', transactionId).executeTakeFirstOrThrow();
    const match = await t.store.db.selectFrom('matches').selectAll().where('conversion_id', '=', conversion.id).executeTakeFirstOrThrow();
    const capi = await t.store.db.selectFrom('capi_events').select('payload').where('conversion_id', '=', conversion.id).executeTakeFirstOrThrow();
    return { conversion, match, userData: (capi.payload as { user_data: { fbc?: string } }).user_data };
  }

  it('a forged click with the buyer’s e-mail does not outrank the e-mail the seller’s server vouched for', async () => {
    const email = 'buyer.one@example.com';
    const click = await pixel('click', { url: `${LP}/?fbclid=BuyerAdClick1`, occurredAt: ago(60) });
    await pixel('initiate_checkout', { sessionId: click.sessionId, visitorId: click.visitorId, url: LP, user: { email }, occurredAt: ago(55) });
    // the seller's backend, which knows the buyer (its own sign-up form), confirms the e-mail on that visit
    await sellerServer('lead', { sessionId: click.sessionId, visitorId: click.visitorId, url: LP, user: { email }, occurredAt: ago(50) });
    // later, the competitor: its own fbclid and the buyer's e-mail
    const forged = await forger({ url: `${LP}/?fbclid=CompetitorForged1`, user: { email }, occurredAt: ago(5) });

    await purchase('HP-AUTH-1', email, null); // from an e-mail campaign: no pass-through id
    await runWorker();

    const sightings = await t.store.db
      .selectFrom('identities')
      .select(['session_id', 'verified'])
      .where('tenant_id', '=', tenant.id)
      .where('value_hash', '=', sha256Hex(normalizeEmail(email)!))
      .orderBy('session_id')
      .execute();
    expect(sightings).toEqual(
      expect.arrayContaining([
        { session_id: click.sessionId, verified: true }, // the pixel's and the server's sighting, one row
        { session_id: forged.sessionId, verified: false },
      ]),
    );
    const { match, userData } = await matchOf('HP-AUTH-1');
    expect(match).toMatchObject({ method: 'identity', session_id: click.sessionId, visitor_id: click.visitorId, confidence: CONFIDENCE.identityEmail });
    expect(match.evidence).toMatchObject({ identity: { verified: true, matchedOn: ['email'] } });
    expect(userData.fbc).toBe(click.fbc);
    expect(userData.fbc).toContain('BuyerAdClick1');
  });

  it('a forged click with the buyer’s e-mail does not take a purchase that carries pass-through evidence', async () => {
    const email = 'buyer.two@example.com';
    await forger({ url: `${LP}/?fbclid=CompetitorForged2`, user: { email }, occurredAt: ago(5) });
    // the checkout link carried the buyer's session, which the hub never saw (its tracking was blocked)
    await purchase('HP-AUTH-2', email, newId('sid'));
    await runWorker();
    const { conversion, match, userData } = await matchOf('HP-AUTH-2');
    expect(match).toMatchObject({ method: 'unmatched', session_id: null, click_id: null });
    expect(conversion.flags).toEqual(expect.arrayContaining(['passthrough_session_not_found', 'unverified_identity_set_aside']));
    expect(match.evidence).toMatchObject({ identity: { email: 1, matchedOn: [], unverifiedSetAside: 1 } });
    expect(userData.fbc).toBeUndefined(); // the forged fbclid never reaches Meta

    // and a pass-through session that exists wins outright, whatever was claimed later
    const email3 = 'buyer.three@example.com';
    const click = await pixel('click', { url: `${LP}/?fbclid=BuyerAdClick3`, occurredAt: ago(40) });
    await forger({ url: `${LP}/?fbclid=CompetitorForged3`, user: { email: email3 }, occurredAt: ago(2) });
    await purchase('HP-AUTH-3', email3, click.sessionId);
    await runWorker();
    const third = await matchOf('HP-AUTH-3');
    expect(third.match).toMatchObject({ method: 'passthrough', session_id: click.sessionId });
    expect(third.userData.fbc).toContain('BuyerAdClick3');
  });

  it('still links by a public-key sighting when nothing contradicts it, with less confidence', async () => {
    const email = 'buyer.four@example.com';
    const click = await pixel('click', { url: `${LP}/?fbclid=BuyerAdClick4`, occurredAt: ago(30) });
    await pixel('lead', { sessionId: click.sessionId, visitorId: click.visitorId, url: LP, user: { email }, occurredAt: ago(29) });
    await purchase('HP-AUTH-4', email, null);
    await runWorker();
    const { match } = await matchOf('HP-AUTH-4');
    expect(match).toMatchObject({ method: 'identity', session_id: click.sessionId, confidence: CONFIDENCE.unverifiedIdentityEmail });
    expect(match.evidence).toMatchObject({ identity: { verified: false } });
  });
});
