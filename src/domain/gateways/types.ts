// The shapes every gateway module speaks. A gateway turns one signed HTTP delivery into zero or
// more NormalizedConversions; the pipeline never looks at a gateway's own payload again.
//
// A gateway module also says how a seller connects it (`connection`: the PUT body's schema and what of
// it is sealed) and which of its header and field names carry secrets (redacted from logs). The
// gateway names and their secrets' types are derived from the registry (gateway-registry.ts), so
// adding a gateway is one folder and one registry line.
//
// Terminology:
//   delivery     one HTTP POST from a gateway (retries of it carry the same deliveryId)
//   conversion   one business fact about a payment (purchase, refund, …), deduped on
//                (transactionId, kind) by the hub, so two deliveries that describe the same fact
//                (Hotmart APPROVED then COMPLETE; Stripe checkout.session.completed then
//                payment_intent.succeeded) collapse to one conversion.

import type { z } from 'zod';
import type { gatewayRegistry } from './gateway-registry.ts';

/** A registered gateway, by the name used in /webhooks/{gateway} and /connections/{gateway}. */
export type GatewayName = keyof typeof gatewayRegistry;

export type ConversionKind =
  | 'purchase'
  | 'refund'
  | 'chargeback'
  | 'cancellation'
  | 'pending'
  | 'abandoned_cart'
  | 'subscription_started'
  | 'subscription_renewed'
  | 'subscription_canceled'
  | 'subscription_past_due';

export interface Buyer {
  email?: string;
  phone?: string;
  phoneCountry?: string; // ISO alpha-2 when known, e.g. 'BR'
  firstName?: string;
  lastName?: string;
  document?: string; // CPF/CNPJ digits; never sent to Meta
  city?: string;
  state?: string;
  zip?: string;
  country?: string; // ISO alpha-2
  ip?: string;
}

export interface Tracking {
  sck?: string;
  src?: string;
  xcod?: string;
  utm?: { source?: string; medium?: string; campaign?: string; content?: string; term?: string };
  clientReferenceId?: string;
  metadata?: Record<string, string>;
}

export interface NormalizedConversion {
  kind: ConversionKind;
  transactionId: string; // the gateway's id of the payment/sale; with kind, the dedupe key
  orderId?: string;
  productId?: string;
  productName?: string;
  offerId?: string;
  subscriptionId?: string;
  value: string | null; // decimal string, e.g. "197.00" (cents converted per gateway): what the buyer paid
  /** What the seller keeps (commission after the gateway's fees), where the gateway states it. */
  netValue?: string | null;
  currency: string | null; // ISO 4217 upper-case
  occurredAt: string; // RFC 3339 UTC, from the gateway's own time for this status
  buyer: Buyer;
  tracking: Tracking;
  gatewayStatus: string; // the raw status/event name, for evidence
  paymentMethod?: string;
}

/** What is sealed for each gateway's connection (and handed to its verify), per its own module. */
export type GatewaySecrets = { [G in GatewayName]: SecretsOf<(typeof gatewayRegistry)[G]> };

type SecretsOf<M> = M extends GatewayDefinition<string, infer S> ? S : never;

export interface WebhookRequest {
  rawBody: Buffer;
  headers: Record<string, string | string[] | undefined>; // lower-cased names
  query: Record<string, string | undefined>;
  receivedAt: Date;
}

export type VerifyResult = { ok: true } | { ok: false; reason: string /* operator-readable, never echoes secrets or body */ };

export type ParseResult =
  | {
      ok: true;
      deliveryId: string; // the gateway's own id of this delivery/event, used for idempotency
      eventType: string;
      conversions: NormalizedConversion[]; // may be empty for events stored but not converted
    }
  | { ok: false; reason: string }; // signed but not understood -> stored raw, flagged unprocessable

/**
 * How a seller connects a gateway: the body of PUT /api/v1/connections/{gateway} (a zod schema whose
 * fields carry descriptions and examples for /docs) and what of it is sealed.
 */
export interface GatewayConnection<S, B = unknown> {
  body: z.ZodType<B>;
  /** A valid body, for /docs and for the tests that connect every registered gateway. */
  example: B;
  /** The secret to seal (what verify receives) and the value whose last characters are shown as its hint. */
  secretOf(body: B): { secret: S; hintOf: string };
}

/** One gateway, with its secrets' type S. Modules declare themselves with this; callers use GatewayModule. */
export interface GatewayDefinition<N extends string, S> {
  name: N;
  /** How sellers write its name ("Hotmart"), in route summaries and messages. */
  label: string;
  /** Constant-time comparisons (crypto.timingSafeEqual or the vendor library's equivalent). */
  verify(req: WebhookRequest, secrets: S): VerifyResult;
  /** Must never throw on any input. */
  parse(req: WebhookRequest): ParseResult;
  /** Evidence copy with secrets removed (hottok, signature, stripe-signature, authorization, cookie). */
  redactHeaders(headers: WebhookRequest['headers']): Record<string, string>;
  /** Evidence copy of the query string; Kiwify carries its signature there. */
  redactQuery(query: WebhookRequest['query']): Record<string, string>;
  /**
   * The body to keep as raw evidence: byte for byte, unless it repeats an account secret (Hotmart's
   * legacy hottok), which is blanked. Signature headers are not kept, so no stored body is verified again.
   */
  redactRawBody(rawBody: Buffer): Buffer;
  /** Whether its payment conversions carry `netValue` (a mapping may ask for the seller's net only then). */
  statesNetValue: boolean;
  /** Declared with its own body type (GatewayConnection<S, Body>); callers see the body as unknown until parsed. */
  connection: GatewayConnection<S>;
  /**
   * Lower-case names of the request headers that carry its secret or signature, and the names of the
   * fields that hold a secret in its connection body, its sealed secret or its payloads: the logger
   * redacts all of them (src/lib/logger.ts).
   */
  secretNames: { headers: readonly string[]; fields: readonly string[] };
}

/** A registered gateway's module, its secrets typed by name. */
export type GatewayModule<G extends GatewayName = GatewayName> = GatewayDefinition<G, GatewaySecrets[G]>;
