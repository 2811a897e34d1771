// Failure injection: with probability `rate`, a request gets one of the chosen failures instead
// of being processed. Seeded, the sequence of decisions repeats exactly (seededRandom).
// The failures imitate Meta's: 500/503 with code 2 (service error, transient), 400 with a
// throttling code (4 app, 17 user, 80004 business-use-case) and a Retry-After header, 190
// invalid token, and a request that hangs past the client's timeout and is then dropped.
import { seededRandom } from '../../domain/meta/index.ts';
import type { SandboxError } from './meta-error-body.ts';

export const FAULT_MODES = ['5xx', 'throttle', 'timeout', 'invalid_token'] as const;
export type FaultMode = (typeof FAULT_MODES)[number];

export interface SandboxFaults {
  /** Probability in [0, 1] that a request fails. */
  rate: number;
  modes: readonly FaultMode[];
  seed?: number;
}

export type FaultDecision =
  | { kind: 'none' }
  | { kind: 'error'; mode: FaultMode; error: SandboxError; retryAfterSeconds?: number }
  | { kind: 'hang'; mode: 'timeout' };

export interface FaultInjector {
  readonly faults: SandboxFaults;
  decide(): FaultDecision;
}

export const NO_FAULTS: SandboxFaults = { rate: 0, modes: [] };

export function createFaultInjector(faults: SandboxFaults, throttleRetryAfterSeconds: number): FaultInjector {
  const rate = Math.min(1, Math.max(0, faults.rate));
  const rng = faults.seed === undefined ? Math.random : seededRandom(faults.seed);
  return {
    faults: { ...faults, rate },
    decide() {
      if (rate === 0 || faults.modes.length === 0 || rng() >= rate) return { kind: 'none' };
      const mode = pick(faults.modes, rng);
      switch (mode) {
        case '5xx':
          return rng() < 0.5
            ? { kind: 'error', mode, error: serviceError(500) }
            : { kind: 'error', mode, error: serviceError(503) };
        case 'throttle':
          return { kind: 'error', mode, error: throttleError(pick([4, 17, 80004], rng)), retryAfterSeconds: throttleRetryAfterSeconds };
        case 'timeout':
          return { kind: 'hang', mode };
        case 'invalid_token':
          return { kind: 'error', mode, error: invalidTokenError('Error validating access token: Session has expired.', 463) };
      }
    },
  };
}

function serviceError(status: 500 | 503): SandboxError {
  return {
    status,
    code: 2,
    message: status === 500 ? 'An unexpected error has occurred. Please retry your request later.' : 'Service temporarily unavailable',
    isTransient: true,
  };
}

function throttleError(code: number): SandboxError {
  const message =
    code === 4 ? '(#4) Application request limit reached'
    : code === 17 ? '(#17) User request limit reached'
    : '(#80004) There have been too many calls to this ad-account. Wait a bit and try again.';
  return { status: 400, code, message, isTransient: true };
}

export function invalidTokenError(message: string, subcode?: number): SandboxError {
  return { status: 400, code: 190, ...(subcode !== undefined ? { subcode } : {}), message, type: 'OAuthException' };
}

function pick<T>(items: readonly T[], rng: () => number): T {
  return items[Math.min(items.length - 1, Math.floor(rng() * items.length))] as T;
}
