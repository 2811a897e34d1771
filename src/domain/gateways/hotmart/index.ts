// The Hotmart gateway module: verify the hottok, parse postback 2.0.0.
import { singleSecretConnection } from '../shared/connection-secret.ts';
import { redactHeaders, redactQuery } from '../shared/redact-evidence.ts';
import { neverThrowing } from '../shared/safe-parse.ts';
import type { GatewayDefinition } from '../types.ts';
import { parseHotmartWebhook } from './parse-hotmart-webhook.ts';
import { redactHotmartBody } from './redact-hotmart-body.ts';
import { HOTTOK_HEADER, verifyHotmartSignature, type HotmartSecrets } from './verify-hotmart-signature.ts';

export const hotmartGateway: GatewayDefinition<'hotmart', HotmartSecrets> = {
  name: 'hotmart',
  label: 'Hotmart',
  verify: verifyHotmartSignature,
  parse: neverThrowing(parseHotmartWebhook),
  redactHeaders,
  redactQuery,
  redactRawBody: redactHotmartBody,
  // Hotmart: data.commissions[source=PRODUCER]
  statesNetValue: true,
  connection: singleSecretConnection('hottok', {
    title: 'Hotmart webhook credentials',
    description: 'The hottok: Hotmart → Tools → Webhook (API and notifications) → your configuration; sent by Hotmart in X-HOTMART-HOTTOK',
    example: 'h0tT0kExAmPlE9f8e7d6c5b4a3',
  }),
  secretNames: { headers: [HOTTOK_HEADER], fields: ['hottok'] },
};
