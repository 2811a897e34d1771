// The Eduzz gateway module: verify the HMAC-SHA256 `x-signature`, parse Developer Hub webhooks (v3).
import { rotatingSecretConnection, type RotatingSecrets } from '../shared/connection-secret.ts';
import { redactHeaders, redactQuery } from '../shared/redact-evidence.ts';
import { redactJsonMembers } from '../shared/redact-json-members.ts';
import { neverThrowing } from '../shared/safe-parse.ts';
import type { GatewayDefinition } from '../types.ts';
import { parseEduzzWebhook } from './parse-eduzz-webhook.ts';
import { EDUZZ_SIGNATURE_HEADER, verifyEduzzSignature } from './verify-eduzz-signature.ts';

// The producer's account keys, should a body repeat them: the legacy webhook sends `origin_secret` and
// `api_key` (eduzz/webhook v2/README.md), and the Developer Hub reference lists producer.originSecret
// [derived]. Not a body signature, so blanking them loses nothing (x-signature is checked at receipt).
const ACCOUNT_KEYS = new Set(['originsecret', 'origin_secret', 'api_key']);

export const eduzzGateway: GatewayDefinition<'eduzz', RotatingSecrets> = {
  name: 'eduzz',
  label: 'Eduzz',
  verify: verifyEduzzSignature,
  parse: neverThrowing(parseEduzzWebhook),
  redactHeaders,
  redactQuery,
  redactRawBody: (rawBody) => redactJsonMembers(rawBody, (key) => ACCOUNT_KEYS.has(key.toLowerCase())),
  // Invoices carry no commission; myeduzz.commission_processed tells it apart, as evidence only.
  statesNetValue: false,
  connection: rotatingSecretConnection({
    title: 'Eduzz webhook credentials',
    description:
      'The secret key that signs the webhook: Eduzz → Webhook (integrations.eduzz.com/webhook) → the key chosen as the configuration\'s "Chave de acesso"; Eduzz sends HMAC-SHA256 of each body with it in x-signature. Up to 5 while a configuration moves to a new key',
    example: 'edzk_9f8e7d6c5b4a39f8e7d6c5b4a3',
  }),
  secretNames: { headers: [EDUZZ_SIGNATURE_HEADER], fields: ['webhookSecret', 'webhookSecrets', 'originSecret', 'origin_secret', 'api_key'] },
};
