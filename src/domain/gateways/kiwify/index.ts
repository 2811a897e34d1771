// The Kiwify gateway module: verify the HMAC-SHA1 `signature`, parse sales webhooks.
import { keepRawBody, redactHeaders, redactQuery } from '../shared/redact-evidence.ts';
import { neverThrowing } from '../shared/safe-parse.ts';
import type { GatewayModule } from '../types.ts';
import { parseKiwifyWebhook } from './parse-kiwify-webhook.ts';
import { verifyKiwifySignature } from './verify-kiwify-signature.ts';

export const kiwifyGateway: GatewayModule<'kiwify'> = {
  name: 'kiwify',
  verify: verifyKiwifySignature,
  parse: neverThrowing(parseKiwifyWebhook),
  redactHeaders,
  redactQuery,
  redactRawBody: keepRawBody,
  // Kiwify: Commissions.my_commission
  statesNetValue: true,
};
