// Stripe-Signature verification with the official library, against the time the hub received
// the request (not "now": a replayed or re-processed delivery is judged by its arrival).
//
// Facts (stripe/stripe-node src/Webhooks.ts, protocols.md §4): header `t=<unix>,v1=<hex>[,v1=…]`;
// signed payload `${t}.${rawBody}`, HMAC-SHA256 with the endpoint secret; a match of ANY v1 passes
// (several v1 appear while a rolled secret overlaps); compared with the library's constant-time
// secureCompare; DEFAULT_TOLERANCE 300 s; future timestamps are not rejected by the library, and a
// `t=` that is not a number (NaN) passes its age check whatever the tolerance.
//
// So the signed timestamp is judged here too, once a signature matched: more than 300 s ahead of the
// delivery, or not a number, is refused. Otherwise a delivery signed with a far-future `t` (a sender's
// wrong clock, or a signature made in advance) could be replayed until that time instead of 5 minutes.
//
// Every configured secret is tried so a tenant can roll its secret without downtime.
import Stripe from 'stripe';
import { singleHeader } from '../shared/header-value.ts';
import { decodeUtf8Strict } from '../shared/read-json-body.ts';
import type { RotatingSecrets } from '../shared/connection-secret.ts';
import type { VerifyResult, WebhookRequest } from '../types.ts';

export const STRIPE_SIGNATURE_HEADER = 'stripe-signature';
export const STRIPE_TOLERANCE_SECONDS = 300;

type Attempt = 'match' | 'stale' | 'mismatch' | 'malformed';

function attempt(payload: string, header: string, secret: string, receivedAtMs: number): Attempt {
  const signature = Stripe.webhooks.signature;
  if (!signature) return 'malformed';
  try {
    signature.verifyHeader(payload, header, secret, STRIPE_TOLERANCE_SECONDS, undefined, receivedAtMs);
    return 'match';
  } catch (error) {
    const message = error instanceof Error ? error.message : '';
    // The library checks the signature before the age, so "tolerance" means the HMAC matched.
    if (message.includes('tolerance')) return 'stale';
    if (message.includes('No signatures found matching')) return 'mismatch';
    return 'malformed';
  }
}

/** The `t` the library signed over: like its parseHeader, the last `t=` item, read with parseInt. */
function signedTimestamp(header: string): number {
  let timestamp = Number.NaN;
  for (const item of header.split(',')) {
    const [key, value] = item.split('=');
    if (key === 't') timestamp = Number.parseInt(value ?? '', 10);
  }
  return timestamp;
}

export function verifyStripeSignature(req: WebhookRequest, secrets: RotatingSecrets): VerifyResult {
  const configured = secrets.webhookSecrets.map((secret) => secret.trim()).filter((secret) => secret !== '');
  if (configured.length === 0) return { ok: false, reason: 'no Stripe webhook secret is configured for this connection' };
  const header = singleHeader(req.headers, STRIPE_SIGNATURE_HEADER);
  if (header === undefined || header.trim() === '') return { ok: false, reason: 'missing Stripe-Signature header' };
  // The library decodes bytes leniently (invalid UTF-8 -> U+FFFD), which would let two different
  // byte strings share one signature; Stripe sends UTF-8 JSON, so anything else is refused.
  const payload = decodeUtf8Strict(req.rawBody);
  if (payload === undefined || payload === '') return { ok: false, reason: 'body is empty or not valid UTF-8' };
  const receivedAtMs = req.receivedAt.getTime();
  if (!Number.isFinite(receivedAtMs)) return { ok: false, reason: 'receivedAt is not a valid time' };

  const results = configured.map((secret) => attempt(payload, header, secret, receivedAtMs));
  if (results.includes('match')) {
    const timestamp = signedTimestamp(header);
    if (!Number.isSafeInteger(timestamp)) return { ok: false, reason: 'Stripe-Signature timestamp is not a number' };
    // The same arithmetic as the library's age check, the other way round.
    if (timestamp - Math.floor(receivedAtMs / 1000) > STRIPE_TOLERANCE_SECONDS) {
      return { ok: false, reason: `Stripe-Signature timestamp is more than ${STRIPE_TOLERANCE_SECONDS} s ahead of the delivery` };
    }
    return { ok: true };
  }
  if (results.includes('stale')) return { ok: false, reason: `Stripe-Signature timestamp is more than ${STRIPE_TOLERANCE_SECONDS} s older than the delivery` };
  if (results.includes('mismatch')) return { ok: false, reason: 'no v1 signature matches any configured webhook secret' };
  return { ok: false, reason: 'Stripe-Signature header is malformed (expected t=…,v1=…)' };
}
