// What becomes of one CAPI event after its last request in a round: the pipeline's state machine
// for dispatch, kept pure so its table of cases is tested without Meta or a database.
//   ok            → sent
//   retry         → pending with the next attempt from the backoff schedule, or failed once the
//                   retry window (24 h from the first attempt by default) is exhausted
//   invalid_token → waiting for the operator (the token is the connection's problem, not the event's)
//   invalid_data  → failed with Meta's reason (the batch was already split down to this event)
import { nextRetryAt, type MetaOutcome, type RetryPolicy } from '../../domain/meta/index.ts';

export type EventDecision =
  | { status: 'sent'; sentAt: Date }
  | { status: 'pending'; nextAttemptAt: Date; retryInMs: number; lastError: string }
  | { status: 'failed'; lastError: string }
  | { status: 'waiting'; lastError: string };

export interface DecisionInput {
  outcome: MetaOutcome;
  /** Failed tries of this event so far in its current retry window, counting this one (1-based). */
  attempt: number;
  /** The first attempt of the current retry window (this round's attempt when there was none). */
  firstAttemptAt: Date;
  now: Date;
  rng: () => number;
  policy: RetryPolicy;
}

export function decideEventOutcome(input: DecisionInput): EventDecision {
  const { outcome } = input;
  switch (outcome.kind) {
    case 'ok':
      return { status: 'sent', sentAt: input.now };
    case 'retry': {
      const at = nextRetryAt(input.attempt, input.firstAttemptAt, input.rng, outcome.afterMs, { now: input.now, policy: input.policy });
      if (at === null) return { status: 'failed', lastError: `gave up after ${describeWindow(input.policy.maxTotalMs)}: ${outcome.reason}` };
      return { status: 'pending', nextAttemptAt: at, retryInMs: Math.max(0, at.getTime() - input.now.getTime()), lastError: outcome.reason };
    }
    case 'invalid_token':
      return { status: 'waiting', lastError: `waiting for a working Meta token: ${outcome.reason}` };
    case 'invalid_data':
      return { status: 'failed', lastError: outcome.reason };
  }
}

function describeWindow(ms: number): string {
  const hours = ms / 3_600_000;
  if (Number.isInteger(hours)) return `${hours} h`;
  const minutes = ms / 60_000;
  return Number.isInteger(minutes) ? `${minutes} min` : `${Math.round(ms / 1000)} s`;
}
