// Stripe event (snapshot payload) -> NormalizedConversions. The delivery id is event.id: Stripe
// retries a delivery with the same event, and may deliver an event more than once
// (protocols.md §4, "dedupe on event.id").
import { z } from 'zod';
import { readJsonObjectBody } from '../shared/read-json-body.ts';
import { epochToRfc3339 } from '../shared/timestamps.ts';
import type { NormalizedConversion, ParseResult, WebhookRequest } from '../types.ts';
import { convertInvoicePaid, convertInvoicePaymentFailed, convertSubscriptionDeleted } from './convert-billing-objects.ts';
import { convertCheckoutSession } from './convert-checkout-session.ts';
import { convertChargeRefunded, convertDisputeCreated, convertPaymentIntentSucceeded } from './convert-payment-objects.ts';
import type { StripeEventContext } from './stripe-event-context.ts';
import type { StripeHandler } from './stripe-event-map.ts';
import { stripeHandlerFor } from './stripe-event-map.ts';

// The event envelope as in stripe/openapi fixtures3.json "event".
const stripeEventSchema = z.looseObject({
  id: z.string().trim().min(1),
  object: z.literal('event'),
  type: z.string().trim().min(1),
  created: z.number().int().positive(),
  data: z.looseObject({ object: z.record(z.string(), z.unknown()) }),
});

function convert(handler: Exclude<StripeHandler, 'store_only'>, object: Record<string, unknown>, context: StripeEventContext): NormalizedConversion[] | string {
  switch (handler) {
    case 'checkout_session':
    case 'checkout_session_async_succeeded':
    case 'checkout_session_async_failed':
    case 'checkout_session_expired':
      return convertCheckoutSession(handler, object, context);
    case 'payment_intent_succeeded':
      return convertPaymentIntentSucceeded(object, context);
    case 'charge_refunded':
      return convertChargeRefunded(object, context);
    case 'dispute_created':
      return convertDisputeCreated(object, context);
    case 'invoice_paid':
      return convertInvoicePaid(object, context);
    case 'invoice_payment_failed':
      return convertInvoicePaymentFailed(object, context);
    case 'subscription_deleted':
      return convertSubscriptionDeleted(object, context);
  }
}

export function parseStripeWebhook(req: WebhookRequest): ParseResult {
  const body = readJsonObjectBody(req.rawBody);
  if (!body.ok) return body;
  const parsed = stripeEventSchema.safeParse(body.value);
  if (!parsed.success) return { ok: false, reason: 'not a Stripe event (id, object "event", type, created, data.object)' };
  const event = parsed.data;
  const handler = stripeHandlerFor(event.type);
  if (handler === undefined) return { ok: false, reason: `Stripe event type ${JSON.stringify(event.type.slice(0, 80))} is not handled` };
  const accepted = { ok: true as const, deliveryId: event.id, eventType: event.type };
  if (handler === 'store_only') return { ...accepted, conversions: [] };

  const context: StripeEventContext = { eventType: event.type, createdAt: epochToRfc3339(event.created, 's') ?? req.receivedAt.toISOString() };
  const conversions = convert(handler, event.data.object, context);
  if (typeof conversions === 'string') return { ok: false, reason: conversions };
  return { ...accepted, conversions };
}
