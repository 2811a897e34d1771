// Eduzz signs every webhook (the Developer Hub webhook, "v3") in the `x-signature` header: "O cabeçalho
// x-signature é gerado usando a seguinte função: hmac('sha256', chave_secreta, corpo_da_requisição)",
// keyed with the secret key chosen for the webhook configuration (eduzz/eduzz-webhook-docs README.md,
// "Segurança"). The README names the function, not the encoding: the digest is read as hex, the output
// of PHP's hash_hmac that the example speaks and what public integrations compare it with [derived].
//
// The signature covers the raw body, so it is checked on the bytes as received. There is no timestamp,
// hence no replay window: duplicates are expected and deduped on the envelope id and on (invoice, kind).
// A seller may create several keys ("Você também pode cadastrar quantas chaves desejar"); while a
// configuration moves to a new key both are configured, and either verifies.
import type { RotatingSecrets } from '../shared/connection-secret.ts';
import { singleHeader } from '../shared/header-value.ts';
import { hexDigestMatches, hmacDigest } from '../shared/hmac-hex.ts';
import type { VerifyResult, WebhookRequest } from '../types.ts';

export const EDUZZ_SIGNATURE_HEADER = 'x-signature';

export function verifyEduzzSignature(req: WebhookRequest, secrets: RotatingSecrets): VerifyResult {
  const keys = secrets.webhookSecrets.map((key) => key.trim()).filter((key) => key !== '');
  if (keys.length === 0) return { ok: false, reason: 'no Eduzz secret key is configured for this connection' };
  const presented = singleHeader(req.headers, EDUZZ_SIGNATURE_HEADER)?.trim();
  if (presented === undefined || presented === '') return { ok: false, reason: 'missing x-signature header' };
  return keys.some((key) => hexDigestMatches('sha256', presented, hmacDigest('sha256', key, req.rawBody)))
    ? { ok: true }
    : { ok: false, reason: 'x-signature does not match HMAC-SHA256 of the body' };
}
