// Guards the Kiwify normalization: kinds, dedupe keys, cents -> decimals, São Paulo times, buyer fields.
import { describe, expect, it } from 'vitest';
import { buildWebhookRequest, readFixture } from '../shared/build-webhook-request.ts';
import type { NormalizedConversion } from '../types.ts';
import { parseKiwifyWebhook } from './parse-kiwify-webhook.ts';

const parseFixture = (name: string) => parseKiwifyWebhook(buildWebhookRequest(readFixture(new URL(`./fixtures/${name}`, import.meta.url))));

function onlyConversion(name: string): NormalizedConversion {
  const result = parseFixture(name);
  if (!result.ok) throw new Error(result.reason);
  expect(result.conversions).toHaveLength(1);
  return result.conversions[0]!;
}

const orderId = '637e8812-5730-4c4d-9378-c2013c1e2ba5';
const subscriptionId = '3cb1a1b0-5aa1-4f5b-a09f-67ecfc0bddd3';

describe('parseKiwifyWebhook: the official test send', () => {
  it('order_approved -> one purchase with every field normalized', () => {
    expect(parseFixture('order-approved.json')).toEqual({
      ok: true,
      deliveryId: `${orderId}:order_approved`,
      eventType: 'order_approved',
      conversions: [{
        kind: 'purchase',
        transactionId: orderId,
        orderId,
        productId: '876ffb01-2305-480e-9b8f-13f16a35e53d',
        productName: 'Example product',
        subscriptionId,
        value: '52.98', // charge_amount 5298 cents
        currency: 'BRL',
          netValue: '47.15',
        occurredAt: '2025-04-03T08:09:00.000Z', // approved_date "2025-04-03 05:09" in São Paulo (UTC-3)
        buyer: {
          email: 'johndoe@example.com',
          phone: '+50524703593',
          phoneCountry: 'NI', // +505
          firstName: 'John',
          lastName: 'Doe',
          document: '54254161570',
          city: 'Balneário Camboriú',
          state: 'SC',
          zip: '88330-756',
          ip: '1b95:cfb5:68d9:1f4c:d585:daf2:a69f:6bf6',
        },
        tracking: {}, // test sends carry every tracking field as null
        gatewayStatus: 'order_approved/paid',
        paymentMethod: 'credit_card',
      }],
    });
  });

  it('the wrapped variant parses to the same delivery and conversion', () => {
    const direct = parseFixture('order-approved.json');
    expect(parseFixture('wrapped-order-approved.json')).toEqual(direct);
  });
});

describe('parseKiwifyWebhook: each event kind', () => {
  it.each([
    ['order-refunded.json', 'order_refunded', 'refund', orderId, '2025-04-05T13:00:00.000Z'],
    ['chargeback.json', 'chargeback', 'chargeback', orderId, '2025-04-20T19:30:00.000Z'],
    ['order-rejected.json', 'order_rejected', 'cancellation', orderId, '2025-04-02T08:09:00.000Z'],
    ['pix-created.json', 'pix_created', 'pending', orderId, '2025-04-02T08:09:00.000Z'],
    ['billet-created.json', 'billet_created', 'pending', orderId, '2025-04-02T08:09:00.000Z'],
    ['subscription-renewed.json', 'subscription_renewed', 'subscription_renewed', '9a1f5c2e-0b7d-4e3a-8c6f-2d4e6f8a0b1c', '2025-04-06T08:09:00.000Z'],
    ['subscription-canceled.json', 'subscription_canceled', 'subscription_canceled', subscriptionId, '2025-04-10T15:00:00.000Z'],
    ['subscription-late.json', 'subscription_late', 'subscription_past_due', `${subscriptionId}@2025-04-06T05:09:32.747Z`, '2025-04-07T12:00:00.000Z'],
  ])('%s: %s -> %s of %s at %s', (file, eventType, kind, transactionId, occurredAt) => {
    const result = parseFixture(file);
    expect(result).toMatchObject({ ok: true, eventType });
    expect(onlyConversion(file)).toMatchObject({ kind, transactionId, occurredAt, value: '52.98', currency: 'BRL' });
  });

  it('pix and boleto keep their payment method', () => {
    expect(onlyConversion('pix-created.json').paymentMethod).toBe('pix');
    expect(onlyConversion('billet-created.json').paymentMethod).toBe('boleto');
  });

  it('repeated subscription events stay distinct deliveries', () => {
    const renewed = parseFixture('subscription-renewed.json');
    const canceled = parseFixture('subscription-canceled.json');
    expect(renewed.ok && renewed.deliveryId).toBe('9a1f5c2e-0b7d-4e3a-8c6f-2d4e6f8a0b1c:subscription_renewed');
    expect(canceled.ok && canceled.deliveryId).toBe(`${orderId}:subscription_canceled:${subscriptionId}`);
  });

  it('real sends carry tracking: src, sck, utm_*, and s1..s3 as metadata; BR mobile gives BR', () => {
    const tracked = onlyConversion('order-approved-tracked.json');
    expect(tracked.tracking).toEqual({
      src: 'fb_ads',
      sck: 'ses_0192f0c4a7b97c3e8f1d2a3b4c5d6e7f',
      utm: { source: 'facebook', medium: 'paid', campaign: 'black-friday', content: 'ad-variant-a' },
      metadata: { s1: 'lead-42' },
    });
    expect(tracked.buyer).toMatchObject({ phone: '+5511999998888', phoneCountry: 'BR', ip: '177.10.20.30' });
  });

  it('abandoned cart: flat lead keyed on its id, sck read from the checkout link, CPF as digits', () => {
    expect(parseFixture('abandoned-cart.json')).toEqual({
      ok: true,
      deliveryId: '0b9c8d7e-6f5a-4b3c-2d1e-0f9a8b7c6d5e:abandoned_cart',
      eventType: 'abandoned_cart',
      conversions: [{
        kind: 'abandoned_cart',
        transactionId: 'cart:0b9c8d7e-6f5a-4b3c-2d1e-0f9a8b7c6d5e',
        productId: '876ffb01-2305-480e-9b8f-13f16a35e53d',
        productName: 'Example product',
        value: null,
        currency: null,
        occurredAt: '2025-04-02T08:09:00.000Z',
        buyer: {
          email: 'johndoe@example.com',
          phone: '+5511999998888',
          phoneCountry: 'BR',
          firstName: 'John',
          lastName: 'Doe',
          document: '54254161570',
          country: 'BR',
        },
        tracking: { sck: 'ses_0192f0c4a7b97c3e8f1d2a3b4c5d6e7f' },
        gatewayStatus: 'abandoned_cart/abandoned',
      }],
    });
  });
});

describe('parseKiwifyWebhook: signed but not understood', () => {
  it.each([
    ['non-JSON', 'order_id=1', /not JSON/],
    ['JSON string', '"hello"', /not an object/],
    ['no order_id', JSON.stringify({ webhook_event_type: 'order_approved' }), /without order_id/],
    ['unknown event and status', JSON.stringify({ order_id: 'o1', webhook_event_type: 'order_teleported', order_status: 'floating' }), /unknown Kiwify event/],
    ['banking envelope (another product)', JSON.stringify({ id: 'e1', type: 'CASHIN.DEPOSITS.RECEIVED', version: '1.0', data: {}, created_at: '2026-05-28T14:30:00Z' }), /without order_id/],
    ['cart without id', JSON.stringify({ status: 'abandoned', email: 'a@b.c' }), /cart without id/],
  ])('%s -> ok:false', (_name, body, reason) => {
    const result = parseKiwifyWebhook(buildWebhookRequest(body));
    expect(result).toMatchObject({ ok: false, reason });
  });

  it('an unknown event type falls back to order_status', () => {
    const result = parseKiwifyWebhook(buildWebhookRequest(JSON.stringify({ order_id: 'o1', webhook_event_type: 'order_paid_v2', order_status: 'paid' })));
    expect(result).toMatchObject({ ok: true, eventType: 'order_paid_v2', conversions: [{ kind: 'purchase', transactionId: 'o1', value: null }] });
  });
});
