// Eduzz webhook (Developer Hub, "v3") -> NormalizedConversion. The envelope's `id` ("ID do evento") is
// the delivery id; an invoice's `data.id` ("ID da fatura") is the transaction, the same for its paid
// and refunded events. Amounts are decimals in major units (price.value 301.5 = BRL 301.50) and times
// are ISO 8601 with a zone (events/myeduzz/*.md).
import { majorUnitsToDecimal } from '../shared/decimal-amount.ts';
import type { JsonRecord } from '../shared/json-value.ts';
import { asFiniteNumber, asRecord, asText, compact } from '../shared/json-value.ts';
import { readJsonObjectBody } from '../shared/read-json-body.ts';
import { isoWithZoneToRfc3339 } from '../shared/timestamps.ts';
import type { ConversionKind, NormalizedConversion, ParseResult, WebhookRequest } from '../types.ts';
import { eduzzEnvelopeSchema, type EduzzEnvelope } from './eduzz-envelope.ts';
import { eduzzKindFor } from './eduzz-status-map.ts';
import { normalizeEduzzBuyer, normalizeEduzzTracking } from './normalize-eduzz-parties.ts';

/**
 * What the buyer paid: `paid` where the invoice has it (the Developer Hub's reference, [derived]),
 * else `price` ("Valor total da fatura", published).
 */
function money(invoice: JsonRecord): { value: string | null; currency: string | null } {
  const paid = asRecord(invoice['paid']);
  const amount = asFiniteNumber(paid?.['value']) !== undefined ? paid! : (asRecord(invoice['price']) ?? {});
  const value = asFiniteNumber(amount['value']);
  return {
    value: value === undefined ? null : majorUnitsToDecimal(value),
    currency: asText(amount['currency'])?.toUpperCase() ?? null,
  };
}

/** The time of this status in Eduzz's clock: its own field where the invoice has one, else when Eduzz sent it. */
function occurredAt(kind: ConversionKind, envelope: EduzzEnvelope, invoice: JsonRecord, req: WebhookRequest): string {
  const at = (field: string): string | undefined => isoWithZoneToRfc3339(asText(invoice[field]));
  const own: Partial<Record<ConversionKind, string | undefined>> = {
    purchase: at('paidAt'),
    refund: at('refundedAt'),
    pending: at('createdAt'),
  };
  return own[kind] ?? isoWithZoneToRfc3339(envelope.sentDate) ?? at('createdAt') ?? req.receivedAt.toISOString();
}

function invoiceConversion(kind: ConversionKind, envelope: EduzzEnvelope, req: WebhookRequest): NormalizedConversion | string {
  const invoice = envelope.data ?? {};
  const transactionId = asText(invoice['id']);
  if (transactionId === undefined) return `${envelope.event} without data.id (the invoice)`;
  const items = Array.isArray(invoice['items']) ? invoice['items'] : [];
  // Several items are one invoice (one payment, an order bump included): the first names the sale.
  const first = asRecord(items[0]) ?? {};
  return compact({
    kind,
    transactionId,
    productId: asText(first['productId']),
    productName: asText(first['name']),
    subscriptionId: asText(asRecord(invoice['contract'])?.['id']),
    ...money(invoice),
    occurredAt: occurredAt(kind, envelope, invoice, req),
    buyer: normalizeEduzzBuyer(invoice),
    tracking: normalizeEduzzTracking(invoice),
    gatewayStatus: `${envelope.event}/${asText(invoice['status']) ?? '-'}`,
    paymentMethod: asText(invoice['paymentMethod']),
  });
}

export function parseEduzzWebhook(req: WebhookRequest): ParseResult {
  const body = readJsonObjectBody(req.rawBody);
  if (!body.ok) return body;
  const parsed = eduzzEnvelopeSchema.safeParse(body.value);
  if (!parsed.success) return { ok: false, reason: 'not an Eduzz webhook envelope (id, event, data, sentDate)' };
  const envelope = parsed.data;
  const kind = eduzzKindFor(envelope.event);
  if (kind === undefined) return { ok: false, reason: `unknown Eduzz event ${JSON.stringify(envelope.event.slice(0, 64))}` };
  const accepted = { ok: true as const, deliveryId: envelope.id, eventType: envelope.event };
  if (kind === null) return { ...accepted, conversions: [] };
  const conversion = invoiceConversion(kind, envelope, req);
  if (typeof conversion === 'string') return { ok: false, reason: conversion };
  return { ...accepted, conversions: [conversion] };
}
