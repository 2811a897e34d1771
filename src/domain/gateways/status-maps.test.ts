// Guards the per-gateway status tables against the kinds the hub promises (brief + protocols.md).
import { describe, expect, it } from 'vitest';
import { hotmartKindFor } from './hotmart/hotmart-status-map.ts';
import { eduzzKindFor } from './eduzz/eduzz-status-map.ts';
import { kiwifyKindFor } from './kiwify/kiwify-status-map.ts';
import { stripeHandlerFor } from './stripe/stripe-event-map.ts';

describe('Hotmart event -> kind', () => {
  it.each([
    ['PURCHASE_APPROVED', 'purchase'],
    ['PURCHASE_COMPLETE', 'purchase'],
    ['PURCHASE_BILLET_PRINTED', 'pending'],
    ['PURCHASE_REFUNDED', 'refund'],
    ['PURCHASE_CHARGEBACK', 'chargeback'],
    ['PURCHASE_CANCELED', 'cancellation'],
    ['PURCHASE_EXPIRED', 'cancellation'],
    ['PURCHASE_DELAYED', 'subscription_past_due'],
    ['PURCHASE_PROTEST', null],
    ['PURCHASE_OUT_OF_SHOPPING_CART', 'abandoned_cart'],
    ['SUBSCRIPTION_CANCELLATION', 'subscription_canceled'],
    ['SWITCH_PLAN', null],
    ['UPDATE_SUBSCRIPTION_CHARGE_DATE', null],
    ['CLUB_FIRST_ACCESS', null],
    ['CLUB_MODULE_COMPLETED', null],
    ['ORDER_FULFILLMENT', null],
    ['purchase_approved', undefined],
    ['toString', undefined],
  ])('%s -> %s', (event, kind) => {
    expect(hotmartKindFor(event)).toBe(kind);
  });
});

describe('Kiwify event (then order_status) -> kind', () => {
  it.each([
    ['order_approved', 'paid', 'purchase'],
    ['order_refunded', 'refunded', 'refund'],
    ['chargeback', 'chargedback', 'chargeback'],
    ['order_rejected', 'refused', 'cancellation'],
    ['pix_created', 'waiting_payment', 'pending'],
    ['billet_created', 'waiting_payment', 'pending'],
    ['subscription_renewed', 'paid', 'subscription_renewed'],
    ['subscription_late', 'waiting_payment', 'subscription_past_due'],
    ['subscription_canceled', 'paid', 'subscription_canceled'],
    [undefined, 'paid', 'purchase'],
    [undefined, 'refunded', 'refund'],
    ['something_new', 'chargedback', 'chargeback'],
    [undefined, undefined, undefined],
    ['constructor', '__proto__', undefined],
  ])('%s / %s -> %s', (event, status, kind) => {
    expect(kiwifyKindFor(event, status)).toBe(kind);
  });
});

describe('Stripe event -> handler', () => {
  it.each([
    ['checkout.session.completed', 'checkout_session'],
    ['checkout.session.async_payment_succeeded', 'checkout_session_async_succeeded'],
    ['checkout.session.async_payment_failed', 'checkout_session_async_failed'],
    ['checkout.session.expired', 'checkout_session_expired'],
    ['payment_intent.succeeded', 'payment_intent_succeeded'],
    ['charge.refunded', 'charge_refunded'],
    ['charge.dispute.created', 'dispute_created'],
    ['invoice.paid', 'invoice_paid'],
    ['invoice.payment_failed', 'invoice_payment_failed'],
    ['customer.subscription.deleted', 'subscription_deleted'],
    ['payment_intent.created', 'store_only'],
    ['invoice.payment_succeeded', 'store_only'],
    ['account.updated', undefined],
    ['hasOwnProperty', undefined],
  ])('%s -> %s', (type, handler) => {
    expect(stripeHandlerFor(type)).toBe(handler);
  });
});

describe('Eduzz event -> kind', () => {
  it.each([
    ['myeduzz.invoice_paid', 'purchase'],
    ['myeduzz.invoice_opened', 'pending'],
    ['myeduzz.invoice_waiting_payment', 'subscription_past_due'],
    ['myeduzz.invoice_overdue', 'subscription_past_due'],
    ['myeduzz.invoice_canceled', 'cancellation'],
    ['myeduzz.invoice_expired', 'cancellation'],
    ['myeduzz.invoice_refused', 'cancellation'],
    ['myeduzz.invoice_refunded', 'refund'],
    ['myeduzz.invoice_chargeback', 'chargeback'],
    ['myeduzz.invoice_waiting_refund', null],
    ['myeduzz.invoice_recovering', null],
    ['myeduzz.invoice_scheduled', null],
    ['myeduzz.invoice_negotiated', null],
    ['myeduzz.invoice_negotiatied', null], // as the published example spells it
    ['myeduzz.commission_processed', null],
    ['myeduzz.contract_created', null],
    ['myeduzz.contract_updated', null],
    ['ping', null],
    ['nutror.lesson_started', null], // another Eduzz app: no sales
    ['blinket.attendance_added', null],
    ['alpaclass.student_created', null],
    ['myeduzz.something_new', undefined],
    ['nutror', undefined],
    ['nutror.', undefined],
    ['hotmart.invoice_paid', undefined],
    ['MYEDUZZ.INVOICE_PAID', undefined],
    ['toString', undefined],
  ])('%s -> %s', (event, kind) => {
    expect(eduzzKindFor(event)).toBe(kind);
  });
});
