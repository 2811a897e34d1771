// The Stripe gateway module: verify Stripe-Signature with the official library, parse events.
import { rotatingSecretConnection } from '../shared/connection-secret.ts';
import type { RotatingSecrets } from '../shared/connection-secret.ts';
import { keepRawBody, redactHeaders, redactQuery } from '../shared/redact-evidence.ts';
import { neverThrowing } from '../shared/safe-parse.ts';
import type { GatewayDefinition } from '../types.ts';
import { parseStripeWebhook } from './parse-stripe-webhook.ts';
import { STRIPE_SIGNATURE_HEADER, verifyStripeSignature } from './verify-stripe-signature.ts';

export const stripeGateway: GatewayDefinition<'stripe', RotatingSecrets> = {
  name: 'stripe',
  label: 'Stripe',
  verify: verifyStripeSignature,
  parse: neverThrowing(parseStripeWebhook),
  redactHeaders,
  redactQuery,
  redactRawBody: keepRawBody,
  // Stripe webhooks carry no fees (they are on the balance transaction, not in the event)
  statesNetValue: false,
  connection: rotatingSecretConnection({
    title: 'Stripe webhook credentials',
    description: "The endpoint's signing secret (Stripe Dashboard → Developers → Webhooks → your endpoint), or up to 5 while a rolled secret overlaps",
    example: 'whsec_3fA9kLmN0pQrStUvWxYz12345678',
  }),
  secretNames: { headers: [STRIPE_SIGNATURE_HEADER], fields: ['webhookSecret', 'webhookSecrets'] },
};
