// How the sandbox decides that a token is broken, and what Graph answers then. The same verdict
// applies to every route (the pixel read and POST /events), as Graph checks the token before
// anything else. A token is refused when it is listed in the sandbox's options or when its name
// says so — prefixes make a broken token easy to ask for from another process (`hub demo`, e2e):
//   invalid…   code 190, no subcode   "Invalid OAuth access token - Cannot parse access token"
//   expired…   code 190, subcode 463  "Error validating access token: Session has expired on …"
//   noperm…    code 200               "(#200) Missing Permission" (the token's user or system user
//                                     was not given the pixel, or the app lacks ads permissions)
// Bodies as Graph sends them (Graph error-handling guide; the expired and missing-permission texts
// as reported from real answers, docs/meta-connection.md lists the sources).
import type { SandboxError } from './meta-error-body.ts';
import { invalidTokenError } from './sandbox-faults.ts';

export interface SandboxTokenLists {
  /** Answered with 190 (invalid). Tokens starting with "invalid" are always refused too. */
  invalidTokens?: readonly string[];
  /** Answered with 190/463 (expired). Tokens starting with "expired" too. */
  expiredTokens?: readonly string[];
  /** Answered with 200 (missing permission). Tokens starting with "noperm" too. */
  unpermittedTokens?: readonly string[];
}

export interface TokenJudge {
  /** The error Graph would answer for this token, or null when it is a working one. */
  refusal(token: string | undefined, nowMs: number): SandboxError | null;
}

export function createTokenJudge(lists: SandboxTokenLists): TokenJudge {
  const invalid = new Set(lists.invalidTokens ?? []);
  const expired = new Set(lists.expiredTokens ?? []);
  const unpermitted = new Set(lists.unpermittedTokens ?? []);
  return {
    refusal(token, nowMs) {
      if (!token) return { status: 400, code: 104, type: 'OAuthException', message: 'An access token is required to request this resource.' };
      if (invalid.has(token) || token.startsWith('invalid')) return invalidTokenError('Invalid OAuth access token - Cannot parse access token');
      if (expired.has(token) || token.startsWith('expired')) {
        const expiredAt = new Date(nowMs - 86_400_000).toUTCString();
        return invalidTokenError(
          `Error validating access token: Session has expired on ${expiredAt}. The current time is ${new Date(nowMs).toUTCString()}.`,
          463,
        );
      }
      if (unpermitted.has(token) || token.startsWith('noperm')) {
        return { status: 403, code: 200, type: 'OAuthException', message: '(#200) Missing Permission' };
      }
      return null;
    },
  };
}

/** Graph's answer for an id the token cannot see (code 100, subcode 33), on a GET or a POST. */
export function objectNotVisible(id: string, method: 'get' | 'post'): SandboxError {
  return {
    status: 400,
    code: 100,
    subcode: 33,
    type: 'GraphMethodException',
    message:
      `Unsupported ${method} request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, ` +
      'or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api',
  };
}
