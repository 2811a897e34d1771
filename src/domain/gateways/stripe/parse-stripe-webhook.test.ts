// Guards the Stripe normalization: which event is the purchase, dedupe keys on the PaymentIntent,
// minor units per currency exponent, and which events are stored without a conversion.
import { describe, expect, it } from 'vitest';
import { buildWebhookRequest, readFixture } from '../shared/build-webhook-request.ts';
import type { NormalizedConversion } from '../types.ts';
import { parseStripeWebhook } from './parse-stripe-webhook.ts';

const parseFixture = (name: string) => parseStripeWebhook(buildWebhookRequest(readFixture(new URL(`./fixtures/${name}`, import.meta.url))));

function conversionsOf(name: string): NormalizedConversion[] {
  const result = parseFixture(name);
  if (!result.ok) throw new Error(result.reason);
  return result.conversions;
}
function onlyConversion(name: string): NormalizedConversion {
  const conversions = conversionsOf(name);
  expect(conversions).toHaveLength(1);
  return conversions[0]!;
}

const intentId = 'pi_1MoS6fLgUG5tbmjca6AdBPsl';
const sessionId = 'cs_test_a1vvp1B50lYAE8U2KLu1lzd6US91IMmBfnLfDXmJiKOQIzXbgFKgxUviQu';

describe('parseStripeWebhook: Checkout payment', () => {
  it('checkout.session.completed (paid) is the purchase, with tracking and buyer', () => {
    expect(parseFixture('checkout-session-completed-paid.json')).toEqual({
      ok: true,
      deliveryId: 'evt_1Mq0CheckoutPaid00000001',
      eventType: 'checkout.session.completed',
      conversions: [{
        kind: 'purchase',
        transactionId: intentId,
        orderId: sessionId,
        value: '10.99',
        currency: 'USD',
        occurredAt: '2023-03-22T13:54:00.000Z',
        buyer: {
          email: 'jenny.rosen@example.com',
          phone: '+5511999998888',
          phoneCountry: 'BR',
          firstName: 'Jenny',
          lastName: 'Rosen',
          city: 'São Paulo',
          state: 'SP',
          zip: '01310-100',
          country: 'BR',
        },
        tracking: {
          clientReferenceId: 'ses_0192f0c4a7b97c3e8f1d2a3b4c5d6e7f',
          utm: { source: 'facebook', campaign: 'launch' },
          metadata: { utm_source: 'facebook', utm_campaign: 'launch' },
        },
        gatewayStatus: 'checkout.session.completed/paid',
        paymentMethod: 'card',
      }],
    });
  });

  it('payment_intent.succeeded for the same payment dedupes onto it: same (transactionId, kind)', () => {
    const session = onlyConversion('checkout-session-completed-paid.json');
    const intent = onlyConversion('payment-intent-succeeded.json');
    expect([intent.transactionId, intent.kind]).toEqual([session.transactionId, session.kind]);
    expect(intent).toMatchObject({ value: '10.99', currency: 'USD', gatewayStatus: 'payment_intent.succeeded/succeeded' });
  });

  it('refund and dispute point at the same PaymentIntent', () => {
    expect(onlyConversion('charge-refunded.json')).toMatchObject({
      kind: 'refund', transactionId: intentId, orderId: 'ch_1MoS30LgUG5tbmjcjfsQqpHI', value: '10.99', currency: 'USD',
      occurredAt: '2023-03-28T10:40:00.000Z', gatewayStatus: 'charge.refunded/fully_refunded', paymentMethod: 'card',
      buyer: { email: 'jenny.rosen@example.com', firstName: 'Jenny', lastName: 'Rosen', country: 'BR' },
    });
    expect(onlyConversion('charge-dispute-created.json')).toMatchObject({
      kind: 'chargeback', transactionId: intentId, orderId: 'ch_1MoS30LgUG5tbmjcjfsQqpHI', value: '10.00', currency: 'USD',
      gatewayStatus: 'charge.dispute.created/warning_needs_response/general',
    });
  });

  it('a delayed method: unpaid -> pending, then async success -> purchase, async failure -> cancellation', () => {
    expect(onlyConversion('checkout-session-completed-unpaid.json')).toMatchObject({ kind: 'pending', transactionId: intentId, paymentMethod: 'boleto' });
    expect(onlyConversion('checkout-session-async-payment-succeeded.json')).toMatchObject({ kind: 'purchase', transactionId: intentId, occurredAt: '2023-03-24T13:54:00.000Z' });
    expect(onlyConversion('checkout-session-async-payment-failed.json')).toMatchObject({ kind: 'cancellation', transactionId: intentId });
  });

  it('an expired session is an abandoned cart keyed on the session', () => {
    expect(onlyConversion('checkout-session-expired.json')).toMatchObject({
      kind: 'abandoned_cart', transactionId: `cart:${sessionId}`, buyer: { email: 'example@example.com' },
    });
  });

  it('zero-decimal currency: 5000 JPY is "5000"', () => {
    expect(onlyConversion('payment-intent-succeeded-jpy.json')).toMatchObject({ value: '5000', currency: 'JPY', buyer: { email: 'taro@example.com' } });
  });
});

describe('parseStripeWebhook: subscriptions', () => {
  it('subscription Checkout and invoice.paid (subscription_create) are one subscription_started', () => {
    const session = onlyConversion('checkout-session-completed-subscription.json');
    const invoice = onlyConversion('invoice-paid-subscription-create.json');
    expect(session).toMatchObject({ kind: 'subscription_started', transactionId: 'in_1MoqxGLgUG5tbmjcJeILGSau', subscriptionId: 'sub_1MoqxHLgUG5tbmjcG8lOfx2N' });
    expect([invoice.transactionId, invoice.kind]).toEqual([session.transactionId, session.kind]);
    expect(invoice).toMatchObject({
      value: '20.00', currency: 'USD', productId: 'prod_NZbFOV0OmNHxwl', occurredAt: '2023-03-22T13:53:58.000Z',
      buyer: { email: 'jenny.rosen@example.com', firstName: 'Jenny', lastName: 'Rosen' },
      gatewayStatus: 'invoice.paid/subscription_create',
    });
  });

  it('the invoice PaymentIntent is not counted again as a purchase', () => {
    expect(conversionsOf('payment-intent-succeeded-invoice.json')).toEqual([]);
  });

  it('subscription_cycle -> subscription_renewed; payment_failed -> subscription_past_due; deleted -> subscription_canceled', () => {
    expect(onlyConversion('invoice-paid-subscription-cycle.json')).toMatchObject({ kind: 'subscription_renewed', transactionId: 'in_1NzCycleLgUG5tbmjcRenew01', value: '20.00' });
    expect(onlyConversion('invoice-payment-failed.json')).toMatchObject({ kind: 'subscription_past_due', transactionId: 'in_1OaFailedLgUG5tbmjcPastDu', value: '20.00' });
    expect(onlyConversion('customer-subscription-deleted.json')).toEqual({
      kind: 'subscription_canceled',
      transactionId: 'sub_1MoqxHLgUG5tbmjcG8lOfx2N',
      productId: 'prod_NZbFOV0OmNHxwl',
      subscriptionId: 'sub_1MoqxHLgUG5tbmjcG8lOfx2N',
      value: null,
      currency: null,
      occurredAt: '2023-05-23T13:53:20.000Z',
      buyer: {},
      tracking: {},
      gatewayStatus: 'customer.subscription.deleted/canceled',
    });
  });

  it('reads the subscription from invoice.parent on 2025-03-31+ API versions', () => {
    const event = JSON.parse(readFixture(new URL('./fixtures/invoice-paid-subscription-cycle.json', import.meta.url))) as { data: { object: Record<string, unknown> } };
    delete event.data.object['subscription'];
    event.data.object['parent'] = { type: 'subscription_details', subscription_details: { subscription: 'sub_basil' } };
    const result = parseStripeWebhook(buildWebhookRequest(JSON.stringify(event)));
    expect(result).toMatchObject({ ok: true, conversions: [{ kind: 'subscription_renewed', subscriptionId: 'sub_basil' }] });
  });
});

describe('parseStripeWebhook: stored or not understood', () => {
  it('payment_intent.created (the published event fixture) is stored without a conversion', () => {
    expect(parseFixture('payment-intent-created.json')).toEqual({
      ok: true, deliveryId: 'evt_1MoS6tLgUG5tbmjchDsX6fiT', eventType: 'payment_intent.created', conversions: [],
    });
  });

  it.each([
    ['non-JSON', 'whsec?', /not JSON/],
    ['not an event', JSON.stringify({ id: 'pi_1', object: 'payment_intent' }), /not a Stripe event/],
    ['thin event (v2 notification)', JSON.stringify({ id: 'evt_1', object: 'v2.core.event', type: 'x', created: '2026-01-01T00:00:00Z' }), /not a Stripe event/],
    ['unknown event type', JSON.stringify({ id: 'evt_1', object: 'event', type: 'treasury.teleport.created', created: 1, data: { object: {} } }), /not handled/],
    ['handled type with a broken object', JSON.stringify({ id: 'evt_1', object: 'event', type: 'charge.refunded', created: 1, data: { object: { amount: 1 } } }), /charge without id/],
    ['session with an unknown payment_status', JSON.stringify({ id: 'evt_1', object: 'event', type: 'checkout.session.completed', created: 1, data: { object: { id: 'cs_1', mode: 'payment', payment_status: 'maybe' } } }), /unknown payment_status/],
  ])('%s -> ok:false', (_name, body, reason) => {
    expect(parseStripeWebhook(buildWebhookRequest(body))).toMatchObject({ ok: false, reason });
  });

  it('a setup-mode session moves no money: stored, no conversion', () => {
    const body = JSON.stringify({ id: 'evt_setup', object: 'event', type: 'checkout.session.completed', created: 1700000000, data: { object: { id: 'cs_1', mode: 'setup', payment_status: 'no_payment_required' } } });
    expect(parseStripeWebhook(buildWebhookRequest(body))).toEqual({ ok: true, deliveryId: 'evt_setup', eventType: 'checkout.session.completed', conversions: [] });
  });
});
