// Hotmart has no body signature: every request carries the account's shared secret, the hottok,
// in the X-HOTMART-HOTTOK header (api-evangelist/hotmart asyncapi/hotmart-webhooks.yml,
// "transport.authentication", from https://developers.hotmart.com/docs/en/1.0.0/webhook/using-webhook/).
// Older payloads also carry `"hottok"` in the body (protocols.md §2), accepted when the header
// is absent so endpoints configured before the header existed keep working.
// There is no timestamp, so there is no replay protection: duplicates are expected and deduped on
// the postback id and on (transaction, kind).
import { constantTimeEqualText } from '../shared/constant-time-equal.ts';
import { singleHeader } from '../shared/header-value.ts';
import { asText } from '../shared/json-value.ts';
import { readJsonObjectBody } from '../shared/read-json-body.ts';
import type { VerifyResult, WebhookRequest } from '../types.ts';

export const HOTTOK_HEADER = 'x-hotmart-hottok';

/** What a Hotmart connection seals. */
export interface HotmartSecrets {
  hottok: string;
}

function presentedHottok(req: WebhookRequest): string | undefined {
  const header = singleHeader(req.headers, HOTTOK_HEADER);
  if (header !== undefined) return header.trim();
  const body = readJsonObjectBody(req.rawBody);
  return body.ok ? asText(body.value['hottok']) : undefined;
}

export function verifyHotmartSignature(req: WebhookRequest, secrets: HotmartSecrets): VerifyResult {
  const expected = secrets.hottok.trim();
  if (expected === '') return { ok: false, reason: 'no Hotmart hottok is configured for this connection' };
  const presented = presentedHottok(req);
  if (presented === undefined) return { ok: false, reason: 'missing X-HOTMART-HOTTOK header' };
  return constantTimeEqualText(presented, expected)
    ? { ok: true }
    : { ok: false, reason: 'X-HOTMART-HOTTOK does not match the configured hottok' };
}
