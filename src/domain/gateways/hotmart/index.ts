// The Hotmart gateway module: verify the hottok, parse postback 2.0.0.
import { redactHeaders, redactQuery } from '../shared/redact-evidence.ts';
import { neverThrowing } from '../shared/safe-parse.ts';
import type { GatewayModule } from '../types.ts';
import { parseHotmartWebhook } from './parse-hotmart-webhook.ts';
import { redactHotmartBody } from './redact-hotmart-body.ts';
import { verifyHotmartSignature } from './verify-hotmart-signature.ts';

export const hotmartGateway: GatewayModule<'hotmart'> = {
  name: 'hotmart',
  verify: verifyHotmartSignature,
  parse: neverThrowing(parseHotmartWebhook),
  redactHeaders,
  redactQuery,
  redactRawBody: redactHotmartBody,
  // Hotmart: data.commissions[source=PRODUCER]
  statesNetValue: true,
};
