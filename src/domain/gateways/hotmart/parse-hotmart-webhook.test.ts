// Guards the Hotmart normalization: kinds, dedupe keys, money and buyer fields the hub and Meta rely on.
import { describe, expect, it } from 'vitest';
import { buildWebhookRequest, readFixture } from '../shared/build-webhook-request.ts';
import type { NormalizedConversion } from '../types.ts';
import { parseHotmartWebhook } from './parse-hotmart-webhook.ts';

function parseFixture(name: string) {
  return parseHotmartWebhook(buildWebhookRequest(readFixture(new URL(`./fixtures/${name}`, import.meta.url))));
}

function onlyConversion(name: string): NormalizedConversion {
  const result = parseFixture(name);
  if (!result.ok) throw new Error(result.reason);
  expect(result.conversions).toHaveLength(1);
  return result.conversions[0]!;
}

const testBuyer = {
  email: 'testeComprador271101postman15@example.com',
  phone: '99999999900',
  phoneCountry: 'BR',
  firstName: 'Teste',
  lastName: 'Comprador',
  document: '69526128664',
  city: 'Uberlândia',
  state: 'Minas Gerais',
  zip: '38400123',
  country: 'BR',
};

describe('parseHotmartWebhook: fixtures', () => {
  it.each([
    ['purchase-approved.json', '545e7d21-8fc4-4906-8fba-dcd7889f6481', 'PURCHASE_APPROVED', 'purchase', '2017-11-27T11:49:06.000Z'],
    ['purchase-complete.json', 'd1e959b9-0ef3-4cfd-9928-71c3dcb95c5c', 'PURCHASE_COMPLETE', 'purchase', '2017-11-27T11:49:06.000Z'],
    ['purchase-refunded.json', 'd7321ad2-82e4-43e3-a9a8-d2fc05b6a02e', 'PURCHASE_REFUNDED', 'refund', '2025-09-30T01:28:46.425Z'],
    ['purchase-chargeback.json', '8b2839d3-8d3c-4dee-ad79-a487d7814d6d', 'PURCHASE_CHARGEBACK', 'chargeback', '2025-11-15T23:02:25.854Z'],
    ['purchase-canceled.json', 'ea409c21-53f7-4478-a870-89a03d6df8d5', 'PURCHASE_CANCELED', 'cancellation', '2025-11-15T23:02:26.014Z'],
    ['purchase-expired.json', '1d85822f-fa41-4c58-8c09-0ac945198972', 'PURCHASE_EXPIRED', 'cancellation', '2025-11-15T23:02:26.098Z'],
    ['purchase-billet-printed.json', '3f7d9a6e-2b1c-4e8f-a0d3-5c6b7e8f9a01', 'PURCHASE_BILLET_PRINTED', 'pending', '2017-11-27T11:49:04.000Z'],
  ])('%s -> %s %s is a %s of HP16015479281022 at %s', (file, deliveryId, eventType, kind, occurredAt) => {
    const result = parseFixture(file);
    expect(result).toMatchObject({ ok: true, deliveryId, eventType });
    const conversion = onlyConversion(file);
    expect(conversion).toMatchObject({
      kind,
      transactionId: 'HP16015479281022',
      productId: '0',
      productName: 'Produto test postback2',
      offerId: 'test',
      subscriptionId: 'I9OT62C3',
      value: '1500.00',
      currency: 'BRL',
      occurredAt,
      buyer: testBuyer,
    });
  });

  it('APPROVED then COMPLETE give the same (transactionId, kind): one purchase after dedupe', () => {
    const approved = onlyConversion('purchase-approved.json');
    const complete = onlyConversion('purchase-complete.json');
    expect([approved.transactionId, approved.kind]).toEqual([complete.transactionId, complete.kind]);
    expect(approved.occurredAt).toBe(complete.occurredAt);
    expect(approved.gatewayStatus).toBe('PURCHASE_APPROVED/APPROVED');
    expect(complete.gatewayStatus).toBe('PURCHASE_COMPLETE/COMPLETED');
  });

  it("reads the producer's commission as the seller's net, beside what the buyer paid", () => {
    const approved = onlyConversion('purchase-approved.json');
    // Hotmart's published example: commissions MARKETPLACE 149.5 and PRODUCER 1350.5 of a 1500 sale.
    expect(approved.netValue).toBe('1350.50');
  });

  it('reads purchase.origin tracking and a real buyer ip, and drops the test placeholder ip', () => {
    const real = onlyConversion('purchase-approved-with-origin.json');
    expect(real.tracking).toEqual({
      src: 'fb_ads',
      sck: 'ses_0192f0c4a7b97c3e8f1d2a3b4c5d6e7f',
      xcod: 'hub123',
      metadata: { sckPaymentLink: 'sckPaymentLinkTest' },
    });
    expect(real.buyer.ip).toBe('177.10.20.30');
    expect(real.kind).toBe('purchase');
    expect(onlyConversion('purchase-complete.json').buyer.ip).toBeUndefined(); // "00.00.00.00"
  });

  it('a recurring charge (recurrence_number > 1) is a subscription renewal', () => {
    expect(onlyConversion('purchase-approved-renewal.json')).toMatchObject({
      kind: 'subscription_renewed',
      transactionId: 'HP16015479281023',
      occurredAt: '2025-12-17T19:33:20.000Z',
    });
  });

  it('payment method and raw status are kept for evidence', () => {
    expect(onlyConversion('purchase-billet-printed.json')).toMatchObject({
      paymentMethod: 'BILLET',
      gatewayStatus: 'PURCHASE_BILLET_PRINTED/PRINTED_BILLET',
    });
  });

  it('cart abandonment has no transaction: keyed on the postback id', () => {
    expect(onlyConversion('purchase-out-of-shopping-cart.json')).toEqual({
      kind: 'abandoned_cart',
      transactionId: 'cart:5b1d3c7e-9f2a-4b6c-8d0e-1a2b3c4d5e6f',
      productId: '0',
      productName: 'Produto test postback2',
      offerId: 'test',
      value: null,
      currency: null,
      occurredAt: '2025-11-15T23:02:26.200Z',
      buyer: {
        email: 'testeComprador271101postman15@example.com',
        phone: '99999999900',
        phoneCountry: 'BR',
        firstName: 'Teste',
        lastName: 'Comprador',
        country: 'BR',
        ip: '177.10.20.30',
      },
      tracking: {},
      gatewayStatus: 'PURCHASE_OUT_OF_SHOPPING_CART',
    });
  });

  it('subscription cancellation is keyed on the subscriber code', () => {
    expect(onlyConversion('subscription-cancellation.json')).toEqual({
      kind: 'subscription_canceled',
      transactionId: '0000aaaa',
      productId: '788921',
      productName: 'Product name com ç e á',
      subscriptionId: '0000aaaa',
      value: '64.90',
      currency: null,
      occurredAt: '2020-12-28T18:48:05.500Z',
      buyer: { email: 'test@hotmart.com', firstName: 'User', lastName: 'name' },
      tracking: {},
      gatewayStatus: 'SUBSCRIPTION_CANCELLATION',
    });
  });

  it.each([
    ['purchase-protest.json', '6e401e42-f0d8-4416-a082-e95b3e35c2e3', 'PURCHASE_PROTEST'],
    ['switch-plan.json', 'be776db7-77c1-4b3f-a14f-79d59a38f4c6', 'SWITCH_PLAN'],
    ['club-first-access.json', '7fe795fa-285c-430f-9a91-afce10a9216f', 'CLUB_FIRST_ACCESS'],
  ])('%s is stored with no conversion', (file, deliveryId, eventType) => {
    expect(parseFixture(file)).toEqual({ ok: true, deliveryId, eventType, conversions: [] });
  });
});

describe('parseHotmartWebhook: signed but not understood', () => {
  it.each([
    ['non-JSON', 'hottok=abc&prod=1', /not JSON/],
    ['empty body', '', /empty/],
    ['JSON array', '[1,2]', /not an object/],
    ['v1-style flat body', JSON.stringify({ hottok: 'x', prod: '141775', status: 'approved' }), /envelope/],
    ['unknown event', JSON.stringify({ id: 'a', event: 'PURCHASE_TELEPORTED', data: {} }), /unknown Hotmart event/],
    ['data not an object', JSON.stringify({ id: 'a', event: 'PURCHASE_APPROVED', data: 'x' }), /envelope/],
    ['purchase without transaction', JSON.stringify({ id: 'a', event: 'PURCHASE_APPROVED', data: { purchase: {} } }), /without data.purchase.transaction/],
    ['cancellation without subscriber', JSON.stringify({ id: 'a', event: 'SUBSCRIPTION_CANCELLATION', data: {} }), /without subscriber/],
  ])('%s -> ok:false', (_name, body, reason) => {
    const result = parseHotmartWebhook(buildWebhookRequest(body));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });

  it('tolerates nulls and wrong types inside data', () => {
    const body = JSON.stringify({
      id: 42,
      event: 'PURCHASE_APPROVED',
      data: { purchase: { transaction: 'HP1', price: { value: 'abc', currency_value: null }, approved_date: 'soon' }, buyer: null, product: 7 },
    });
    const result = parseHotmartWebhook(buildWebhookRequest(body, { receivedAt: new Date('2026-02-03T04:05:06Z') }));
    expect(result).toEqual({
      ok: true,
      deliveryId: '42',
      eventType: 'PURCHASE_APPROVED',
      conversions: [{
        kind: 'purchase', transactionId: 'HP1', value: null, currency: null,
            netValue: null,
        occurredAt: '2026-02-03T04:05:06.000Z', buyer: {}, tracking: {}, gatewayStatus: 'PURCHASE_APPROVED/-',
      }],
    });
  });
});
