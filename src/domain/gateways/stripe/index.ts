// The Stripe gateway module: verify Stripe-Signature with the official library, parse events.
import { keepRawBody, redactHeaders, redactQuery } from '../shared/redact-evidence.ts';
import { neverThrowing } from '../shared/safe-parse.ts';
import type { GatewayModule } from '../types.ts';
import { parseStripeWebhook } from './parse-stripe-webhook.ts';
import { verifyStripeSignature } from './verify-stripe-signature.ts';

export const stripeGateway: GatewayModule<'stripe'> = {
  name: 'stripe',
  verify: verifyStripeSignature,
  parse: neverThrowing(parseStripeWebhook),
  redactHeaders,
  redactQuery,
  redactRawBody: keepRawBody,
  // Stripe webhooks carry no fees (they are on the balance transaction, not in the event)
  statesNetValue: false,
};
