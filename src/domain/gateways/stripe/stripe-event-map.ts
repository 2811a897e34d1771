// Stripe event type -> how it is converted. One Stripe payment produces several events; this
// table decides which of them speaks for the payment, so the hub stores one conversion per fact.
//
// Decision — one purchase per Checkout payment:
//   * The Checkout Session events are the purchase for a Checkout payment: they alone carry
//     client_reference_id (the hub's pass-through id) and customer_details.
//   * Their transactionId is the PaymentIntent id, which payment_intent.succeeded, charge.refunded
//     and charge.dispute.created also carry, so if payment_intent.succeeded arrives (Stripe does
//     not order deliveries) it normalizes to the same (transactionId, 'purchase') and the hub's
//     dedupe keeps one purchase.
//   * payment_intent.succeeded therefore still yields a purchase (integrations without Checkout
//     have nothing else), except for PaymentIntents that pay an invoice: those are counted by
//     invoice.paid (see convert-payment-objects.ts).
//   * Subscriptions are counted on invoices: invoice.paid with billing_reason subscription_create
//     is the start, subscription_cycle a renewal; a subscription-mode Checkout Session yields the
//     same subscription_started keyed on its invoice id.
//
// Event names: stripe-node src/resources/Events.ts (protocols.md §4).

export type StripeHandler =
  | 'checkout_session'
  | 'checkout_session_async_succeeded'
  | 'checkout_session_async_failed'
  | 'checkout_session_expired'
  | 'payment_intent_succeeded'
  | 'charge_refunded'
  | 'dispute_created'
  | 'invoice_paid'
  | 'invoice_payment_failed'
  | 'subscription_deleted'
  | 'store_only';

export const stripeEventHandlers: Readonly<Record<string, StripeHandler>> = {
  // paid / no_payment_required -> purchase (or subscription_started); unpaid -> pending
  // (delayed methods such as Boleto complete the session unpaid first).
  'checkout.session.completed': 'checkout_session',
  // The delayed payment of an unpaid session cleared -> purchase.
  'checkout.session.async_payment_succeeded': 'checkout_session_async_succeeded',
  // The delayed payment failed -> cancellation.
  'checkout.session.async_payment_failed': 'checkout_session_async_failed',
  // The buyer left the session unpaid -> abandoned_cart.
  'checkout.session.expired': 'checkout_session_expired',
  // A PaymentIntent succeeded -> purchase (same key as its Checkout Session).
  'payment_intent.succeeded': 'payment_intent_succeeded',
  // Money returned to the buyer -> refund (amount_refunded is the total so far).
  'charge.refunded': 'charge_refunded',
  // The buyer's bank disputed the charge -> chargeback.
  'charge.dispute.created': 'dispute_created',
  // An invoice was paid -> subscription_started / subscription_renewed / purchase by billing_reason.
  'invoice.paid': 'invoice_paid',
  // A subscription charge failed -> subscription_past_due.
  'invoice.payment_failed': 'invoice_payment_failed',
  // The subscription ended -> subscription_canceled.
  'customer.subscription.deleted': 'subscription_deleted',
  // Around a payment but not a conversion: stored for evidence.
  'payment_intent.created': 'store_only',
  'payment_intent.processing': 'store_only',
  'payment_intent.requires_action': 'store_only',
  'payment_intent.payment_failed': 'store_only',
  'payment_intent.canceled': 'store_only',
  'charge.succeeded': 'store_only',
  'charge.updated': 'store_only',
  'charge.captured': 'store_only',
  'charge.failed': 'store_only',
  'charge.pending': 'store_only',
  'charge.refund.updated': 'store_only',
  'charge.dispute.updated': 'store_only',
  'charge.dispute.closed': 'store_only',
  'charge.dispute.funds_withdrawn': 'store_only',
  'charge.dispute.funds_reinstated': 'store_only',
  'refund.created': 'store_only',
  'refund.updated': 'store_only',
  'invoice.created': 'store_only',
  'invoice.finalized': 'store_only',
  'invoice.payment_succeeded': 'store_only', // same fact as invoice.paid, which is the one counted
  'invoice.upcoming': 'store_only',
  'invoice.updated': 'store_only',
  'customer.created': 'store_only',
  'customer.updated': 'store_only',
  'customer.subscription.created': 'store_only',
  'customer.subscription.updated': 'store_only',
  'customer.subscription.trial_will_end': 'store_only',
};

export function stripeHandlerFor(eventType: string): StripeHandler | undefined {
  return Object.hasOwn(stripeEventHandlers, eventType) ? stripeEventHandlers[eventType] : undefined;
}
