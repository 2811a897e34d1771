// parse() must never throw (a signed delivery is stored even when not understood). The parsers
// are written not to throw; this wrapper is the last line that turns a bug into an
// "unprocessable" delivery instead of a 500 that the gateway would retry forever.
import type { ParseResult, WebhookRequest } from '../types.ts';

export function neverThrowing(parse: (req: WebhookRequest) => ParseResult): (req: WebhookRequest) => ParseResult {
  return (req) => {
    try {
      return parse(req);
    } catch (error) {
      const name = error instanceof Error ? error.name : 'unknown error';
      return { ok: false, reason: `parser failed unexpectedly (${name})` };
    }
  };
}
