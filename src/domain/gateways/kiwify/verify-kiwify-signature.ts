// Kiwify signs each sales webhook with HMAC-SHA1 over the raw body, keyed with the webhook's
// token, and appends it to the URL as `?signature=<40 lowercase hex>`; the token itself is never
// sent (https://docs.kiwify.com.br/api-reference/webhooks/receiving, "Validar a assinatura").
//
// Variant [unconfirmed, protocols.md §3]: some integrations receive `{url, signature, order}`
// with the signature in the body, computed over JSON.stringify(order) (seen in public code, e.g.
// betiol/shopee-video-downloader CONFIGURE_SECRET_AGORA.md). Accepted only when the query carries
// no signature; the HMAC still proves the token.
import { hexDigestMatches, hmacDigest } from '../shared/hmac-hex.ts';
import { asRecord, asText } from '../shared/json-value.ts';
import { readJsonObjectBody } from '../shared/read-json-body.ts';
import type { VerifyResult, WebhookRequest } from '../types.ts';

/** What a Kiwify connection seals: the webhook's token. */
export interface KiwifySecrets {
  token: string;
}

const hmacSha1 = (token: string, message: Buffer | string): Buffer => hmacDigest('sha1', token, message);
const matches = (presentedHex: string, expected: Buffer): boolean => hexDigestMatches('sha1', presentedHex, expected);

export function verifyKiwifySignature(req: WebhookRequest, secrets: KiwifySecrets): VerifyResult {
  // "Se o webhook não tiver token, a assinatura é calculada com uma chave vazia e não prova nada."
  if (secrets.token === '') return { ok: false, reason: 'no Kiwify webhook token is configured for this connection' };

  const querySignature = req.query['signature'];
  if (querySignature !== undefined) {
    return matches(querySignature.trim(), hmacSha1(secrets.token, req.rawBody))
      ? { ok: true }
      : { ok: false, reason: 'signature query parameter does not match HMAC-SHA1 of the body' };
  }

  const body = readJsonObjectBody(req.rawBody);
  const wrapped = body.ok ? body.value : undefined;
  const bodySignature = asText(wrapped?.['signature']);
  const order = asRecord(wrapped?.['order']);
  if (bodySignature === undefined || order === undefined) return { ok: false, reason: 'missing signature query parameter' };
  return matches(bodySignature, hmacSha1(secrets.token, JSON.stringify(order)))
    ? { ok: true }
    : { ok: false, reason: 'body signature does not match HMAC-SHA1 of the wrapped order' };
}
