// Reconciliation on the real pipeline: signed webhooks from the three gateways go through the routes,
// the match worker and the dispatcher to the Meta sandbox, and GET /api/v1/reconciliation must tell
// exactly what the test sent in and what the sandbox (Meta) received — sales, values per currency,
// a sale too old for Meta, a refund, an unprocessable delivery, clicks matched, identifiers carried.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer } from '../support/app.ts';
import { signedHotmart } from '../support/signed-webhooks.ts';
import { webhookBody } from '../../bench/match/gateway-bodies.ts';
import { SECRETS, sale, startPipeline, waitFor, type Pipeline } from './pipeline-harness.ts';

const DAY = 86_400_000;

describe('reconciliation of a real pipeline run', () => {
  let p: Pipeline;
  beforeAll(async () => {
    p = await startPipeline('pglite', { requestTimeoutMs: 15_000 });
  });
  afterAll(async () => {
    await p?.close();
  });

  it('equals what went in and what Meta received', async () => {
    const hotmartClick = await p.click('IwARreconHotmart1');
    const stripeClick = await p.click('IwARreconStripe3');
    const hotmartSale = sale('hotmart', 1, hotmartClick.sck, { value: '197.00', currency: 'BRL' });
    await p.deliver('hotmart', hotmartSale);
    await p.deliver('hotmart', hotmartSale); // the same delivery twice: one sale
    await p.deliver('kiwify', sale('kiwify', 2, null, { value: '97.00', currency: 'BRL' }));
    await p.deliver('stripe', sale('stripe', 3, stripeClick.clientReferenceId, { value: '49.90', currency: 'USD' }));
    // A sale that reaches the hub eight days late: Meta would refuse it, so it is not sent.
    await p.deliver('hotmart', sale('hotmart', 4, null, { value: '50.00', currency: 'USD', occurredAt: new Date(Date.now() - 8 * DAY) }));
    // The first sale refunded (refunds are off in the default mapping), and a delivery nobody can read.
    const refund = signedHotmart(p.tenant.id, SECRETS.hottok, webhookBody('hotmart', 'refund', { ...hotmartSale, deliveryId: `${hotmartSale.deliveryId}-refund` }));
    expect((await p.app.inject({ method: 'POST', url: refund.url, headers: refund.headers, payload: refund.body })).statusCode).toBe(200);
    const junk = signedHotmart(p.tenant.id, SECRETS.hottok, { hello: 'world' });
    expect((await p.app.inject({ method: 'POST', url: junk.url, headers: junk.headers, payload: junk.body })).statusCode).toBe(200);

    await p.drained();
    const db = p.t.store.db;
    await waitFor('every CAPI event to settle', async () => {
      const open = await db.selectFrom('capi_events').select('id').where('tenant_id', '=', p.tenant.id).where('status', 'in', ['pending', 'waiting']).execute();
      return open.length === 0;
    });

    const from = new Date(Math.floor((Date.now() - 9 * DAY) / DAY) * DAY).toISOString();
    const to = new Date(Date.now() + DAY).toISOString();
    const res = await p.app.inject({ url: `/api/v1/reconciliation?from=${from}&to=${to}`, headers: bearer(p.tenant.secretKey) });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    const byGateway = Object.fromEntries(body.gateways.map((g: { gateway: string }) => [g.gateway, g]));

    expect(byGateway.hotmart).toMatchObject({
      received: { count: 2, value: { BRL: '197.00', USD: '50.00' } },
      sent: { count: 1, value: { BRL: '197.00' }, valueAtMeta: { BRL: '197' } },
      notSent: { count: 1, value: { USD: '50.00' }, byReason: { tooOld: { count: 1, value: { USD: '50.00' } }, mappingOff: { count: 0 } } },
      waiting: { count: 0 },
      failed: { count: 0 },
      matched: { count: 1, rate: 0.5, withClick: { count: 1, rate: 0.5 } },
      refunds: { count: 1, value: { BRL: '197.00' } },
      webhooks: { unread: 0, unprocessable: 1 },
    });
    expect(byGateway.kiwify).toMatchObject({
      received: { count: 1, value: { BRL: '97.00' } },
      sent: { count: 1, value: { BRL: '97.00' } },
      matched: { count: 0, rate: 0 },
    });
    expect(byGateway.stripe).toMatchObject({
      received: { count: 1, value: { USD: '49.90' } },
      sent: { count: 1, value: { USD: '49.90' }, valueAtMeta: { USD: '49.9' } },
      matched: { count: 1, rate: 1, withClick: { count: 1, rate: 1 } },
    });
    expect(body.total).toMatchObject({
      received: { count: 4, value: { BRL: '294.00', USD: '99.90' } },
      sent: { count: 3, value: { BRL: '294.00', USD: '49.90' } },
      notSent: { count: 1 },
    });

    // Identifier coverage equals what Meta itself received in the Purchase events.
    const purchases = p.sandbox.recorder.events().filter((e) => e.eventName === 'Purchase');
    expect(purchases).toHaveLength(3);
    const carried = (key: string) =>
      purchases.filter((e) => {
        const v = (e.event as { user_data: Record<string, unknown> }).user_data[key];
        return Array.isArray(v) ? v.length > 0 : Boolean(v);
      }).length;
    const { identifiers } = body.total;
    expect(identifiers.base).toBe(3);
    expect({
      em: identifiers.em.count,
      ph: identifiers.ph.count,
      fbc: identifiers.fbc.count,
      fbp: identifiers.fbp.count,
      ip: identifiers.clientIpAddress.count,
      ua: identifiers.clientUserAgent.count,
    }).toEqual({ em: carried('em'), ph: carried('ph'), fbc: carried('fbc'), fbp: carried('fbp'), ip: carried('client_ip_address'), ua: carried('client_user_agent') });
    // The two sales that came through a click carry its fbc; the kiwify sale, with no click, does not.
    expect(identifiers.fbc).toEqual({ count: 2, rate: 0.6667 });
    expect(identifiers.em).toEqual({ count: 3, rate: 1 });
  });
});
