// Kiwify sales webhook -> NormalizedConversion. Amounts in `Commissions` are integer cents and
// dates are zone-less local times (protocols.md §3).
//
// Delivery id: Kiwify sends no id of the delivery (the sales webhook has no envelope; the banking
// webhook's envelope id changes per retry anyway), so the id is built from what a retry repeats:
// order_id + webhook_event_type. Subscription events can repeat one order_id across charges, so
// they add the charge they are about.
import { minorUnitsToDecimal } from '../shared/decimal-amount.ts';
import type { JsonRecord } from '../shared/json-value.ts';
import { asFiniteNumber, asRecord, asText, compact } from '../shared/json-value.ts';
import { readJsonObjectBody } from '../shared/read-json-body.ts';
import type { ConversionKind, NormalizedConversion, ParseResult, WebhookRequest } from '../types.ts';
import { kiwifyTimeToRfc3339 } from './kiwify-local-time.ts';
import { kiwifyKindFor } from './kiwify-status-map.ts';
import { normalizeKiwifyBuyer, normalizeKiwifyTracking, trackingFromCheckoutLink } from './normalize-kiwify-parties.ts';

/** The documented body is the order itself; a `{url, signature, order}` wrapper also occurs. */
function unwrapOrder(body: JsonRecord): JsonRecord {
  const inner = asRecord(body['order']);
  return inner !== undefined && body['order_id'] === undefined ? inner : body;
}

function money(order: JsonRecord): { value: string | null; netValue: string | null; currency: string | null } {
  const commissions = asRecord(order['Commissions']) ?? {};
  // charge_amount is what the buyer was charged; product_base_price is the list price; my_commission
  // is the share of the account the webhook belongs to (the seller's net), all in cents.
  const cents = asFiniteNumber(commissions['charge_amount']) ?? asFiniteNumber(commissions['product_base_price']);
  const mine = asFiniteNumber(commissions['my_commission']);
  const currency = asText(commissions['currency']) ?? asText(commissions['product_base_price_currency']);
  return {
    value: cents === undefined ? null : minorUnitsToDecimal(cents, 2),
    netValue: mine === undefined ? null : minorUnitsToDecimal(mine, 2),
    currency: currency?.toUpperCase() ?? null,
  };
}

function occurredAt(kind: ConversionKind, order: JsonRecord, req: WebhookRequest): string {
  const at = (field: string): string | undefined => kiwifyTimeToRfc3339(asText(order[field]));
  const own: Partial<Record<ConversionKind, string | undefined>> = {
    purchase: at('approved_date'),
    subscription_renewed: at('approved_date'),
    refund: at('refunded_at'),
    pending: at('created_at'),
  };
  return own[kind] ?? at('updated_at') ?? at('created_at') ?? req.receivedAt.toISOString();
}

/** For a renewal, the newest completed charge is the payment this event is about. */
function latestChargeOrderId(order: JsonRecord): string | undefined {
  const completed = asRecord(asRecord(order['Subscription'])?.['charges'])?.['completed'];
  if (!Array.isArray(completed)) return undefined;
  let latest: { orderId: string; at: string } | undefined;
  for (const charge of completed) {
    const record = asRecord(charge);
    const orderId = asText(record?.['order_id']);
    const at = asText(record?.['created_at']) ?? '';
    if (orderId !== undefined && (latest === undefined || at >= latest.at)) latest = { orderId, at };
  }
  return latest?.orderId;
}

function transactionFor(kind: ConversionKind, order: JsonRecord, orderId: string): string {
  const subscriptionId = asText(order['subscription_id']) ?? asText(asRecord(order['Subscription'])?.['id']);
  if (kind === 'subscription_renewed') return latestChargeOrderId(order) ?? orderId;
  if (kind === 'subscription_canceled') return subscriptionId ?? orderId;
  if (kind === 'subscription_past_due') {
    // One subscription can fall late more than once; the due date tells the episodes apart.
    const due = asText(asRecord(order['Subscription'])?.['next_payment']);
    return `${subscriptionId ?? orderId}${due !== undefined ? `@${due}` : ''}`;
  }
  return orderId;
}

function parseOrder(order: JsonRecord, req: WebhookRequest): ParseResult {
  const orderId = asText(order['order_id']);
  if (orderId === undefined) return { ok: false, reason: 'Kiwify body without order_id' };
  const eventType = asText(order['webhook_event_type']);
  const orderStatus = asText(order['order_status']);
  const kind = kiwifyKindFor(eventType, orderStatus);
  if (kind === undefined) {
    return { ok: false, reason: `unknown Kiwify event ${JSON.stringify((eventType ?? orderStatus ?? '').slice(0, 64))}` };
  }
  const transactionId = transactionFor(kind, order, orderId);
  const product = asRecord(order['Product']) ?? {};
  const subscription = asRecord(order['Subscription']);
  const conversion: NormalizedConversion = compact({
    kind,
    transactionId,
    orderId,
    productId: asText(product['product_id']),
    productName: asText(product['product_name']),
    subscriptionId: asText(order['subscription_id']) ?? asText(subscription?.['id']),
    ...money(order),
    occurredAt: occurredAt(kind, order, req),
    buyer: normalizeKiwifyBuyer(asRecord(order['Customer']) ?? {}),
    tracking: normalizeKiwifyTracking(order),
    gatewayStatus: `${eventType ?? '-'}/${orderStatus ?? '-'}`,
    paymentMethod: asText(order['payment_method']),
  });
  const event = eventType ?? orderStatus ?? kind;
  const deliveryId = `${orderId}:${event}${transactionId !== orderId ? `:${transactionId}` : ''}`;
  return { ok: true, deliveryId, eventType: event, conversions: [conversion] };
}

/** Cart abandonment (carrinho_abandonado) is a flat lead, not an order [unconfirmed shape]. */
function parseAbandonedCart(body: JsonRecord, req: WebhookRequest): ParseResult {
  const cartId = asText(body['id']);
  if (cartId === undefined) return { ok: false, reason: 'Kiwify abandoned cart without id' };
  const link = asText(body['checkout_link']);
  const conversion: NormalizedConversion = compact({
    kind: 'abandoned_cart' as const,
    transactionId: `cart:${cartId}`,
    productId: asText(body['product_id']),
    productName: asText(body['product_name']),
    value: null,
    currency: null,
    occurredAt: kiwifyTimeToRfc3339(asText(body['created_at'])) ?? req.receivedAt.toISOString(),
    buyer: normalizeKiwifyBuyer(body),
    tracking: trackingFromCheckoutLink(link),
    gatewayStatus: `abandoned_cart/${asText(body['status']) ?? '-'}`,
  });
  return { ok: true, deliveryId: `${cartId}:abandoned_cart`, eventType: 'abandoned_cart', conversions: [conversion] };
}

export function parseKiwifyWebhook(req: WebhookRequest): ParseResult {
  const body = readJsonObjectBody(req.rawBody);
  if (!body.ok) return body;
  const order = unwrapOrder(body.value);
  if (order['order_id'] === undefined && (order['checkout_link'] !== undefined || order['status'] === 'abandoned')) {
    return parseAbandonedCart(order, req);
  }
  return parseOrder(order, req);
}
