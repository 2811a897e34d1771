// Invoice and Subscription events -> conversions. Invoice conversions are keyed on the invoice
// id: it is what a subscription-mode Checkout Session names (`invoice`), while the invoice's
// PaymentIntent is not in the webhook payload on current API versions.
// Fields: stripe/openapi fixtures3.json "invoice", "subscription"; billing_reason values from
// stripe-node src/resources/Invoices.ts (Invoice.BillingReason).
import type { JsonRecord } from '../shared/json-value.ts';
import { asFiniteNumber, asIdOrExpanded, asRecord, asText, compact } from '../shared/json-value.ts';
import { epochToRfc3339 } from '../shared/timestamps.ts';
import type { ConversionKind, NormalizedConversion } from '../types.ts';
import { buyerOfInvoice, trackingOf } from './normalize-stripe-parties.ts';
import { stripeMoney } from './stripe-amount.ts';
import type { StripeEventContext } from './stripe-event-context.ts';

export const PAID_INVOICE_KINDS: Readonly<Record<string, ConversionKind | null>> = {
  subscription_create: 'subscription_started', // "A new subscription was created."
  subscription_cycle: 'subscription_renewed', // "A subscription advanced into a new period."
  subscription_update: 'subscription_renewed', // "A subscription was updated." (a further charge of a running subscription)
  subscription_threshold: 'subscription_renewed', // "A subscription reached a billing threshold."
  subscription: 'subscription_renewed', // "No longer in use" (pre-2018 subscriptions)
  manual: 'purchase', // "Unrelated to a subscription, for example, created via the invoice editor."
  quote_accept: 'purchase',
  automatic_pending_invoice_item_invoice: 'purchase',
  upcoming: null, // a preview; never paid
};

/** Legacy `subscription`, or `parent.subscription_details.subscription` on 2025-03-31+ versions. */
function subscriptionOf(invoice: JsonRecord): string | undefined {
  const details = asRecord(asRecord(invoice['parent'])?.['subscription_details']);
  return asIdOrExpanded(invoice['subscription']) ?? asIdOrExpanded(details?.['subscription']);
}

function firstLineProduct(invoice: JsonRecord): string | undefined {
  const lines = asRecord(invoice['lines'])?.['data'];
  const first = Array.isArray(lines) ? asRecord(lines[0]) : undefined;
  if (first === undefined) return undefined;
  const legacy = asIdOrExpanded(asRecord(first['price'])?.['product']);
  const current = asText(asRecord(asRecord(first['pricing'])?.['price_details'])?.['product']);
  return legacy ?? current;
}

function invoiceConversion(kind: ConversionKind, invoice: JsonRecord, invoiceId: string, amount: unknown, occurredAt: string, context: StripeEventContext): NormalizedConversion {
  return compact({
    kind,
    transactionId: invoiceId,
    orderId: invoiceId,
    productId: firstLineProduct(invoice),
    subscriptionId: subscriptionOf(invoice),
    ...stripeMoney(amount, invoice['currency']),
    occurredAt,
    buyer: buyerOfInvoice(invoice),
    tracking: trackingOf(invoice),
    gatewayStatus: `${context.eventType}/${asText(invoice['billing_reason']) ?? '-'}`,
  });
}

export function convertInvoicePaid(invoice: JsonRecord, context: StripeEventContext): NormalizedConversion[] | string {
  const invoiceId = asText(invoice['id']);
  if (invoiceId === undefined) return 'invoice without id';
  const reason = asText(invoice['billing_reason']) ?? '';
  const mapped = Object.hasOwn(PAID_INVOICE_KINDS, reason) ? PAID_INVOICE_KINDS[reason] : undefined;
  // A billing reason added after this table: a subscription's invoice is a renewal, else a sale.
  const kind = mapped === undefined ? (subscriptionOf(invoice) ? 'subscription_renewed' : 'purchase') : mapped;
  if (kind === null) return [];
  const paidAt = epochToRfc3339(asFiniteNumber(asRecord(invoice['status_transitions'])?.['paid_at']), 's');
  return [invoiceConversion(kind, invoice, invoiceId, invoice['amount_paid'], paidAt ?? context.createdAt, context)];
}

export function convertInvoicePaymentFailed(invoice: JsonRecord, context: StripeEventContext): NormalizedConversion[] | string {
  const invoiceId = asText(invoice['id']);
  if (invoiceId === undefined) return 'invoice without id';
  // A failed one-off invoice is not a subscription falling behind; nothing to convert.
  if (subscriptionOf(invoice) === undefined) return [];
  return [invoiceConversion('subscription_past_due', invoice, invoiceId, invoice['amount_due'], context.createdAt, context)];
}

export function convertSubscriptionDeleted(subscription: JsonRecord, context: StripeEventContext): NormalizedConversion[] | string {
  const subscriptionId = asText(subscription['id']);
  if (subscriptionId === undefined) return 'subscription without id';
  const items = asRecord(subscription['items'])?.['data'];
  const firstItem = Array.isArray(items) ? asRecord(items[0]) : undefined;
  const endedAt = epochToRfc3339(asFiniteNumber(subscription['ended_at']) ?? asFiniteNumber(subscription['canceled_at']), 's');
  return [compact({
    kind: 'subscription_canceled' as const,
    transactionId: subscriptionId,
    productId: asIdOrExpanded(asRecord(firstItem?.['price'])?.['product']),
    subscriptionId,
    value: null,
    currency: null,
    occurredAt: endedAt ?? context.createdAt,
    buyer: {},
    tracking: trackingOf(subscription),
    gatewayStatus: `${context.eventType}/${asText(subscription['status']) ?? '-'}`,
  })];
}
