// PaymentIntent, Charge and Dispute events -> conversions, all keyed on the PaymentIntent id so
// a refund or dispute points at the same transaction as the purchase it reverses.
// Fields: stripe/openapi fixtures3.json "payment_intent", "charge", "dispute".
import type { JsonRecord } from '../shared/json-value.ts';
import { asIdOrExpanded, asRecord, asText, compact } from '../shared/json-value.ts';
import type { NormalizedConversion } from '../types.ts';
import { buyerOfCharge, buyerOfPaymentIntent, trackingOf } from './normalize-stripe-parties.ts';
import { stripeMoney } from './stripe-amount.ts';
import type { StripeEventContext } from './stripe-event-context.ts';

/**
 * A PaymentIntent that pays an invoice is counted by invoice.paid. Older API versions say so in
 * `invoice`; newer ones (2025-03-31 and later) dropped the field, and Stripe names such intents
 * "Subscription creation" / "Subscription update" [derived: descriptions in public payload dumps].
 */
function paysAnInvoice(intent: JsonRecord): boolean {
  return asIdOrExpanded(intent['invoice']) !== undefined || /^Subscription (creation|update|cycle)$/.test(asText(intent['description']) ?? '');
}

function singleMethod(types: unknown): string | undefined {
  return Array.isArray(types) && types.length === 1 ? asText(types[0]) : undefined;
}

export function convertPaymentIntentSucceeded(intent: JsonRecord, context: StripeEventContext): NormalizedConversion[] | string {
  const intentId = asText(intent['id']);
  if (intentId === undefined) return 'payment intent without id';
  if (paysAnInvoice(intent)) return [];
  return [compact({
    kind: 'purchase' as const,
    transactionId: intentId,
    ...stripeMoney(intent['amount_received'] ?? intent['amount'], intent['currency']),
    occurredAt: context.createdAt,
    buyer: buyerOfPaymentIntent(intent),
    tracking: trackingOf(intent),
    gatewayStatus: `${context.eventType}/${asText(intent['status']) ?? '-'}`,
    paymentMethod: singleMethod(intent['payment_method_types']),
  })];
}

export function convertChargeRefunded(charge: JsonRecord, context: StripeEventContext): NormalizedConversion[] | string {
  const chargeId = asText(charge['id']);
  if (chargeId === undefined) return 'charge without id';
  // amount_refunded is cumulative; a second partial refund re-sends the charge with a larger
  // total under the same (transaction, 'refund') key, so the hub keeps the first it stored.
  return [compact({
    kind: 'refund' as const,
    transactionId: asIdOrExpanded(charge['payment_intent']) ?? chargeId,
    orderId: chargeId,
    ...stripeMoney(charge['amount_refunded'], charge['currency']),
    occurredAt: context.createdAt,
    buyer: buyerOfCharge(charge),
    tracking: trackingOf(charge),
    gatewayStatus: `${context.eventType}/${charge['refunded'] === true ? 'fully_refunded' : 'partially_refunded'}`,
    paymentMethod: asText(asRecord(charge['payment_method_details'])?.['type']),
  })];
}

export function convertDisputeCreated(dispute: JsonRecord, context: StripeEventContext): NormalizedConversion[] | string {
  const disputeId = asText(dispute['id']);
  if (disputeId === undefined) return 'dispute without id';
  const chargeId = asIdOrExpanded(dispute['charge']);
  return [compact({
    kind: 'chargeback' as const,
    transactionId: asIdOrExpanded(dispute['payment_intent']) ?? chargeId ?? disputeId,
    orderId: chargeId,
    ...stripeMoney(dispute['amount'], dispute['currency']),
    occurredAt: context.createdAt,
    buyer: {},
    tracking: {},
    gatewayStatus: `${context.eventType}/${asText(dispute['status']) ?? '-'}/${asText(dispute['reason']) ?? '-'}`,
  })];
}
