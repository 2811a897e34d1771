// An operation's failure as the API's problem+json: the one mapping from failure kinds to statuses.
import type { Failure, Outcome } from '../operations/outcome.ts';
import { HttpProblem } from './problem.ts';

const STATUS: Record<Failure['kind'], { status: number; title: string }> = {
  invalid: { status: 400, title: 'Bad Request' },
  forbidden: { status: 403, title: 'Forbidden' },
  not_found: { status: 404, title: 'Not Found' },
  conflict: { status: 409, title: 'Conflict' },
  unavailable: { status: 503, title: 'Service Unavailable' },
};

export function problemOf(failure: Failure): HttpProblem {
  const { status, title } = STATUS[failure.kind];
  return new HttpProblem(status, failure.slug, title, failure.message, failure.errors);
}

/** The value of a successful outcome; a failure is thrown as its problem (the error handler answers it). */
export function valueOf<T>(outcome: Outcome<T>): T {
  if (outcome.ok) return outcome.value;
  throw problemOf(outcome.failure);
}
