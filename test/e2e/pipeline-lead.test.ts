// Risk: a lead from a launch page is lost on its way to Meta, reaches it without the hashed e-mail and
// phone that make it matchable, twice, or under an event id the browser pixel's copy cannot dedupe
// against — or it is sent but forgotten, so the purchase the same person makes days later (from an
// e-mail, without the pass-through id) is not linked back to the ad click that brought them.
// The real routes, match and dispatch workers, database and Meta sandbox (pipeline-harness.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS } from '../support/databases.ts';
import { bearer } from '../support/app.ts';
import { normalizeEmail, normalizePhone, sha256Hex } from '../../src/domain/identity/index.ts';
import { PIXEL_ID, sale, startPipeline, waitFor, type Pipeline } from './pipeline-harness.ts';

const UA = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148';
const FBP = 'fb.1.1764418440000.1234567890';

describe.each(STORE_KINDS)('pipeline on %s: click → lead → later purchase by e-mail', (kind) => {
  let p: Pipeline;
  beforeAll(async () => {
    p = await startPipeline(kind, { requestTimeoutMs: 15_000 });
  });
  afterAll(async () => {
    await p?.close();
  });

  const story = async (id: string) =>
    (await p.app.inject({ method: 'GET', url: `/api/v1/events/${id}`, headers: bearer(p.tenant.secretKey) })).json();
  const lead = async (body: Record<string, unknown>) => {
    const res = await p.app.inject({
      method: 'POST',
      url: '/api/v1/track/lead',
      headers: { 'user-agent': UA, 'content-type': 'application/json' },
      payload: { publicKey: p.tenant.publicKey, fbp: FBP, ...body },
    });
    expect(res.statusCode, res.body).toBe(202);
    return res.json() as { id: string; eventId: string; sessionId: string; visitorId: string };
  };

  it('sends one Lead with the hashed e-mail and phone, and links the later purchase by identity', async () => {
    const click = await p.click('IwARLeadClick1xYz', UA);
    const email = 'Lead.Buyer@Example.com';
    const phone = '(11) 99999-8888';
    const url = 'https://lp.example.com/lista-de-espera';
    // as the pixel sends it: the session and the _fbc cookie of the click
    const sent = { eventId: 'lead-e2e-0001', sessionId: click.sessionId, fbc: click.fbc, url, user: { email, phone } };
    const accepted = await lead(sent);
    expect(accepted).toMatchObject({ eventId: 'lead-e2e-0001', sessionId: click.sessionId });

    const told = await waitFor('the Lead to be sent', async () => {
      const s = await story(accepted.id);
      return s.capiEvents?.[0]?.status === 'sent' && s;
    });
    expect(told.type).toBe('lead');
    expect(told.capiEvents).toHaveLength(1);
    expect(told.capiEvents[0]).toMatchObject({ eventName: 'Lead', eventId: 'lead-e2e-0001' });

    const atMeta = p.sandbox.recorder.events({ eventId: 'lead-e2e-0001' });
    expect(atMeta).toHaveLength(1);
    expect(atMeta[0]).toMatchObject({ pixelId: PIXEL_ID, eventName: 'Lead' });
    const event = atMeta[0]!.event as { user_data: Record<string, unknown>; custom_data?: Record<string, unknown>; action_source: string; event_source_url: string };
    expect(event.user_data).toMatchObject({
      em: [sha256Hex(normalizeEmail(email)!)],
      ph: [sha256Hex(normalizePhone(phone, 'BR')!)],
      fbc: click.fbc,
      fbp: FBP,
      client_ip_address: '127.0.0.1',
      client_user_agent: UA,
      external_id: [expect.stringMatching(/^[0-9a-f]{64}$/)],
    });
    expect(event).toMatchObject({ action_source: 'website', event_source_url: url });
    expect(event.custom_data?.value).toBeUndefined(); // a lead carries no money

    // the identities the matcher will look up, remembered from the lead
    const identities = await p.t.store.db.selectFrom('identities').select(['kind', 'session_id', 'source']).where('event_id', '=', accepted.id).orderBy('kind').execute();
    expect(identities).toEqual([
      { kind: 'email', session_id: click.sessionId, source: 'lead' },
      { kind: 'phone', session_id: click.sessionId, source: 'lead' },
    ]);

    // days later, from a newsletter: a purchase without the pass-through id, by the same e-mail
    const facts = sale('hotmart', 71, null, { email: '  lead.buyer@EXAMPLE.com ', phone: '(21) 98888-7777' });
    const webhookId = await p.deliver('hotmart', facts);
    const bought = await waitFor('the Purchase to be sent', async () => {
      const s = await story(webhookId);
      return s.capiEvents?.[0]?.status === 'sent' && s;
    });
    expect(bought.conversions[0].match).toMatchObject({ method: 'identity', sessionId: click.sessionId });
    const purchase = p.sandbox.recorder.events({ eventId: bought.capiEvents[0].eventId });
    expect(purchase).toHaveLength(1);
    expect(purchase[0]!.eventName).toBe('Purchase');
    expect((purchase[0]!.event as { user_data: Record<string, unknown> }).user_data.fbc).toBe(click.fbc);

    // the browser retrying the lead changes nothing at Meta
    await lead(sent);
    await p.drained();
    expect(p.sandbox.recorder.events({ eventId: 'lead-e2e-0001' })).toHaveLength(1);
  });

  it('records a lead the mapping turns off as skipped, with the reason, and sends nothing', async () => {
    const put = await p.app.inject({ method: 'PUT', url: '/api/v1/mapping', headers: bearer(p.tenant.secretKey), payload: { meta: { lead: { event: null, value: 'none' } } } });
    expect(put.statusCode, put.body).toBe(200);
    const accepted = await lead({ eventId: 'lead-e2e-off', url: 'https://lp.example.com/', user: { email: 'off@example.com' } });
    const told = await waitFor('the lead to be processed', async () => {
      const s = await story(accepted.id);
      return s.capiEvents?.length > 0 && s;
    });
    expect(told.capiEvents).toEqual([expect.objectContaining({ eventName: 'Lead', status: 'skipped', lastError: expect.stringContaining('mapping') })]);
    await p.drained();
    expect(p.sandbox.recorder.events({ eventId: 'lead-e2e-off' })).toEqual([]);
    // the identity is remembered all the same: matching does not depend on what is sent
    const identities = await p.t.store.db.selectFrom('identities').select('kind').where('event_id', '=', accepted.id).execute();
    expect(identities).toEqual([{ kind: 'email' }]);
  });

  it('sent nothing twice across the whole run', () => {
    expect(p.sandbox.recorder.stats().duplicates).toBe(0);
  });
});
