// The Kiwify gateway module: verify the HMAC-SHA1 `signature`, parse sales webhooks.
import { singleSecretConnection } from '../shared/connection-secret.ts';
import { keepRawBody, redactHeaders, redactQuery } from '../shared/redact-evidence.ts';
import { neverThrowing } from '../shared/safe-parse.ts';
import type { GatewayDefinition } from '../types.ts';
import { parseKiwifyWebhook } from './parse-kiwify-webhook.ts';
import { verifyKiwifySignature, type KiwifySecrets } from './verify-kiwify-signature.ts';

export const kiwifyGateway: GatewayDefinition<'kiwify', KiwifySecrets> = {
  name: 'kiwify',
  label: 'Kiwify',
  verify: verifyKiwifySignature,
  parse: neverThrowing(parseKiwifyWebhook),
  redactHeaders,
  redactQuery,
  redactRawBody: keepRawBody,
  // Kiwify: Commissions.my_commission
  statesNetValue: true,
  connection: singleSecretConnection('token', {
    title: 'Kiwify webhook credentials',
    description: 'The webhook token shown when the webhook is created in Kiwify (Apps → Webhooks); it signs every delivery',
    example: 'kwfy7x9q2m4n6p8r',
  }),
  // The signature rides in the query (?signature=…): request logs carry the path without its query.
  secretNames: { headers: [], fields: ['token', 'signature'] },
};
