// Hotmart postback 2.0.0 -> NormalizedConversion. Amounts are decimals in major units
// (1500 = BRL 1500.00) and times are ms epochs (protocols.md §2).
import { majorUnitsToDecimal } from '../shared/decimal-amount.ts';
import type { JsonRecord } from '../shared/json-value.ts';
import { asFiniteNumber, asRecord, asText, compact } from '../shared/json-value.ts';
import { readJsonObjectBody } from '../shared/read-json-body.ts';
import { epochToRfc3339 } from '../shared/timestamps.ts';
import type { ConversionKind, NormalizedConversion, ParseResult, WebhookRequest } from '../types.ts';
import type { HotmartEnvelope } from './hotmart-envelope.ts';
import { hotmartEnvelopeSchema } from './hotmart-envelope.ts';
import { hotmartKindFor } from './hotmart-status-map.ts';
import { normalizeHotmartBuyer, normalizeHotmartTracking } from './normalize-hotmart-parties.ts';

function price(purchase: JsonRecord): { value: string | null; currency: string | null } {
  // `price` is what this sale charged; `full_price` is a fallback when price is absent.
  const amount = asRecord(purchase['price']) ?? asRecord(purchase['full_price']) ?? {};
  const value = asFiniteNumber(amount['value']);
  const currency = asText(amount['currency_value'])?.toUpperCase() ?? null;
  return { value: value === undefined ? null : majorUnitsToDecimal(value), currency };
}

/**
 * The producer's commission: `data.commissions[]` lists each party's share by `source` (MARKETPLACE is
 * Hotmart's fee, PRODUCER the seller's). https://developers.hotmart.com/docs/en/2.0.0/webhook/purchase-webhook/
 */
function producerCommission(data: JsonRecord): string | null {
  const commissions = Array.isArray(data['commissions']) ? data['commissions'] : [];
  const mine = commissions.map(asRecord).find((c) => asText(c?.['source'])?.toUpperCase() === 'PRODUCER');
  const value = asFiniteNumber(mine?.['value']);
  return value === undefined ? null : majorUnitsToDecimal(value);
}

/** The time of this status, in Hotmart's own clock. */
function occurredAt(kind: ConversionKind, envelope: HotmartEnvelope, data: JsonRecord, req: WebhookRequest): string {
  const purchase = asRecord(data['purchase']) ?? {};
  const eventTime = epochToRfc3339(envelope.creation_date ?? envelope.creationDate, 'ms');
  const byKind: Partial<Record<ConversionKind, unknown>> = {
    // APPROVED and COMPLETE both report the sale at its approval time, so the two deliveries
    // describe the same purchase identically.
    purchase: purchase['approved_date'],
    subscription_renewed: purchase['approved_date'],
    pending: purchase['order_date'],
    subscription_canceled: data['cancellation_date'],
  };
  const own = epochToRfc3339(asFiniteNumber(byKind[kind]), 'ms');
  // receivedAt only when Hotmart gave no time at all; a signed fact is not dropped for it.
  return own ?? eventTime ?? req.receivedAt.toISOString();
}

function purchaseConversion(kind: ConversionKind, envelope: HotmartEnvelope, req: WebhookRequest): NormalizedConversion | string {
  const data = envelope.data;
  const purchase = asRecord(data['purchase']) ?? {};
  const product = asRecord(data['product']) ?? {};
  const subscription = asRecord(data['subscription']);
  const transactionId = asText(purchase['transaction']);
  if (transactionId === undefined) return `${envelope.event} without data.purchase.transaction`;
  // Each recurring charge is its own PURCHASE_APPROVED with a new transaction; the first has
  // recurrence_number 1 (or none) and stays a purchase.
  const recurrence = asFiniteNumber(purchase['recurrence_number']);
  const effectiveKind: ConversionKind = kind === 'purchase' && recurrence !== undefined && recurrence > 1 ? 'subscription_renewed' : kind;
  const { value, currency } = price(purchase);
  return compact({
    kind: effectiveKind,
    transactionId,
    productId: asText(product['id']),
    productName: asText(product['name']),
    offerId: asText(asRecord(purchase['offer'])?.['code']),
    subscriptionId: asText(asRecord(subscription?.['subscriber'])?.['code']),
    value,
    netValue: producerCommission(data),
    currency,
    occurredAt: occurredAt(effectiveKind, envelope, data, req),
    buyer: normalizeHotmartBuyer(data),
    tracking: normalizeHotmartTracking(data),
    gatewayStatus: `${envelope.event}/${asText(purchase['status']) ?? '-'}`,
    paymentMethod: asText(asRecord(purchase['payment'])?.['type']),
  });
}

function cartConversion(envelope: HotmartEnvelope, req: WebhookRequest): NormalizedConversion {
  const data = envelope.data;
  const product = asRecord(data['product']) ?? {};
  // No transaction exists for an abandoned checkout; the postback id is the only stable id.
  return compact({
    kind: 'abandoned_cart' as const,
    transactionId: `cart:${envelope.id}`,
    productId: asText(product['id']),
    productName: asText(product['name']),
    offerId: asText(asRecord(data['offer'])?.['code']),
    value: null,
    currency: null,
    occurredAt: occurredAt('abandoned_cart', envelope, data, req),
    buyer: normalizeHotmartBuyer(data),
    tracking: normalizeHotmartTracking(data),
    gatewayStatus: envelope.event,
  });
}

function subscriptionCancellation(envelope: HotmartEnvelope, req: WebhookRequest): NormalizedConversion | string {
  const data = envelope.data;
  const subscriber = asRecord(data['subscriber']) ?? {};
  const subscription = asRecord(data['subscription']) ?? {};
  const product = asRecord(data['product']) ?? {};
  // The subscriber code is what purchase postbacks carry as data.subscription.subscriber.code,
  // so it links the cancellation to the sales of the same subscription.
  const subscriberCode = asText(subscriber['code']);
  const transactionId = subscriberCode ?? asText(subscription['id']);
  if (transactionId === undefined) return 'SUBSCRIPTION_CANCELLATION without subscriber code or subscription id';
  const recurringValue = asFiniteNumber(data['actual_recurrence_value']);
  return compact({
    kind: 'subscription_canceled' as const,
    transactionId,
    productId: asText(product['id']),
    productName: asText(product['name']),
    subscriptionId: subscriberCode,
    value: recurringValue === undefined ? null : majorUnitsToDecimal(recurringValue),
    // The cancellation sample carries no currency.
    currency: null,
    occurredAt: occurredAt('subscription_canceled', envelope, data, req),
    buyer: normalizeHotmartBuyer(data),
    tracking: {},
    gatewayStatus: envelope.event,
  });
}

export function parseHotmartWebhook(req: WebhookRequest): ParseResult {
  const body = readJsonObjectBody(req.rawBody);
  if (!body.ok) return body;
  const parsed = hotmartEnvelopeSchema.safeParse(body.value);
  if (!parsed.success) return { ok: false, reason: 'not a Hotmart postback 2.0.0 envelope (id, event, data)' };
  const envelope = parsed.data;
  const kind = hotmartKindFor(envelope.event);
  if (kind === undefined) return { ok: false, reason: `unknown Hotmart event ${JSON.stringify(envelope.event.slice(0, 64))}` };
  const accepted = { ok: true as const, deliveryId: envelope.id, eventType: envelope.event };
  if (kind === null) return { ...accepted, conversions: [] };

  const conversion =
    kind === 'abandoned_cart' ? cartConversion(envelope, req)
    : kind === 'subscription_canceled' ? subscriptionCancellation(envelope, req)
    : purchaseConversion(kind, envelope, req);
  if (typeof conversion === 'string') return { ok: false, reason: conversion };
  return { ...accepted, conversions: [conversion] };
}
