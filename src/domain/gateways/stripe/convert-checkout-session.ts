// Checkout Session events -> conversions. The session is the purchase of a Checkout payment
// (see stripe-event-map.ts for why), keyed on its PaymentIntent so the PaymentIntent's own events
// dedupe onto it. Fields: stripe/openapi fixtures3.json "checkout.session"; payment_status values
// paid | unpaid | no_payment_required (stripe-node src/resources/Checkout/Sessions.ts).
import type { JsonRecord } from '../shared/json-value.ts';
import { asIdOrExpanded, asText, compact } from '../shared/json-value.ts';
import type { ConversionKind, NormalizedConversion } from '../types.ts';
import { buyerOfSession, trackingOf } from './normalize-stripe-parties.ts';
import { stripeMoney } from './stripe-amount.ts';
import type { StripeEventContext } from './stripe-event-context.ts';
import type { StripeHandler } from './stripe-event-map.ts';

type SessionHandler = Extract<StripeHandler, `checkout_session${string}`>;

function kindFor(handler: SessionHandler, session: JsonRecord): ConversionKind | string {
  const paid = asText(session['mode']) === 'subscription' ? 'subscription_started' : 'purchase';
  switch (handler) {
    case 'checkout_session': {
      const status = asText(session['payment_status']);
      if (status === 'paid' || status === 'no_payment_required') return paid;
      if (status === 'unpaid') return 'pending';
      return `checkout session with unknown payment_status ${JSON.stringify(status ?? null)}`;
    }
    case 'checkout_session_async_succeeded':
      return paid;
    case 'checkout_session_async_failed':
      return 'cancellation';
    case 'checkout_session_expired':
      return 'abandoned_cart';
  }
}

function transactionFor(kind: ConversionKind, session: JsonRecord, sessionId: string): string {
  if (kind === 'abandoned_cart') return `cart:${sessionId}`;
  // A subscription session pays its first invoice; invoice.paid (subscription_create) is keyed on
  // the same invoice id.
  if (asText(session['mode']) === 'subscription') {
    return asIdOrExpanded(session['invoice']) ?? asIdOrExpanded(session['subscription']) ?? sessionId;
  }
  return asIdOrExpanded(session['payment_intent']) ?? sessionId;
}

export function convertCheckoutSession(handler: SessionHandler, session: JsonRecord, context: StripeEventContext): NormalizedConversion[] | string {
  const sessionId = asText(session['id']);
  if (sessionId === undefined) return 'checkout session without id';
  // Setup-mode sessions save a card; no money moves.
  if (asText(session['mode']) === 'setup') return [];
  const kind = kindFor(handler, session);
  if (!isKind(kind)) return kind;
  const methods = Array.isArray(session['payment_method_types']) ? session['payment_method_types'] : [];
  return [compact({
    kind,
    transactionId: transactionFor(kind, session, sessionId),
    orderId: sessionId,
    subscriptionId: asIdOrExpanded(session['subscription']),
    ...stripeMoney(session['amount_total'], session['currency']),
    occurredAt: context.createdAt,
    buyer: buyerOfSession(session),
    tracking: trackingOf(session),
    gatewayStatus: `${context.eventType}/${asText(session['payment_status']) ?? '-'}`,
    // Only when the session offered a single method is it known which one paid.
    paymentMethod: methods.length === 1 ? asText(methods[0]) : undefined,
  })];
}

const KINDS = new Set<string>(['purchase', 'subscription_started', 'pending', 'cancellation', 'abandoned_cart']);
function isKind(value: ConversionKind | string): value is ConversionKind {
  return KINDS.has(value);
}
