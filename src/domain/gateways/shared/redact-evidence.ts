// Evidence copies of headers and query strings: everything an operator needs to see what
// arrived, nothing that authenticates. Values are replaced, not dropped, so the evidence still
// shows that a signature was present.
import type { WebhookRequest } from '../types.ts';

export const REDACTED = '[redacted]';

// Names that carry secrets or authenticators in any gateway; the pattern catches vendor variants
// (x-hotmart-hottok, stripe-signature, x-api-token, …).
const SECRET_NAME = /hottok|signature|authorization|cookie|token|secret|api[-_]?key|password/i;

function flatten(value: string | string[] | undefined): string | undefined {
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value.join(', ') : value;
}

export function redactHeaders(headers: WebhookRequest['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const text = flatten(value);
    if (text === undefined) continue;
    out[name.toLowerCase()] = SECRET_NAME.test(name) ? REDACTED : text;
  }
  return out;
}

export function redactQuery(query: WebhookRequest['query']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined) continue;
    out[name] = SECRET_NAME.test(name) ? REDACTED : value;
  }
  return out;
}

/** For gateways whose signature covers the body: the evidence must stay byte-exact. */
export function keepRawBody(rawBody: Buffer): Buffer {
  return rawBody;
}
