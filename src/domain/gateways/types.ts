// The shapes every gateway module speaks. A gateway turns one signed HTTP delivery into zero or
// more NormalizedConversions; the pipeline never looks at a gateway's own payload again.
//
// Terminology:
//   delivery     one HTTP POST from a gateway (retries of it carry the same deliveryId)
//   conversion   one business fact about a payment (purchase, refund, …), deduped on
//                (transactionId, kind) by the hub, so two deliveries that describe the same fact
//                (Hotmart APPROVED then COMPLETE; Stripe checkout.session.completed then
//                payment_intent.succeeded) collapse to one conversion.

export type GatewayName = 'hotmart' | 'kiwify' | 'stripe';

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

export type GatewaySecrets = {
  hotmart: { hottok: string };
  kiwify: { token: string };
  stripe: { webhookSecrets: string[] };
};

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

export interface GatewayModule<G extends GatewayName = GatewayName> {
  name: G;
  /** Constant-time comparisons (crypto.timingSafeEqual or the vendor library's equivalent). */
  verify(req: WebhookRequest, secrets: GatewaySecrets[G]): VerifyResult;
  /** Must never throw on any input. */
  parse(req: WebhookRequest): ParseResult;
  /** Evidence copy with secrets removed (hottok, signature, stripe-signature, authorization, cookie). */
  redactHeaders(headers: WebhookRequest['headers']): Record<string, string>;
  /** Evidence copy of the query string; Kiwify carries its signature there. */
  redactQuery(query: WebhookRequest['query']): Record<string, string>;
  /**
   * The body to keep as raw evidence. Byte-exact for gateways whose body is signed (a replay must
   * verify again); Hotmart legacy bodies carry the account hottok, which is blanked.
   */
  redactRawBody(rawBody: Buffer): Buffer;
  /** Whether its payment conversions carry `netValue` (a mapping may ask for the seller's net only then). */
  statesNetValue: boolean;
}
