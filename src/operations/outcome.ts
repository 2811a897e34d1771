// What an operation answers: a value, or a failure its callers (routes, CLI, admin channel, agent tools)
// turn into their own form — a problem+json status, a CLI line and exit code. Failures carry a message
// key, never English text, so each caller says it in its reader's language.
import type { Message, MessageKey, MessageParams } from '../i18n/index.ts';

export type FailureKind = 'invalid' | 'not_found' | 'conflict' | 'forbidden' | 'unavailable';

export interface Failure {
  kind: FailureKind;
  /** Stable problem slug for the API (`https://hub.dev/problems/<slug>`). */
  slug: string;
  message: Message;
  /** Field-level errors of an `invalid` input. */
  errors?: Array<{ path: string; message: string }>;
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; failure: Failure };

export const ok = <T>(value: T): Outcome<T> => ({ ok: true, value });

export function fail(
  kind: FailureKind,
  slug: string,
  key: MessageKey,
  params?: MessageParams,
  errors?: Failure['errors'],
): { ok: false; failure: Failure } {
  return { ok: false, failure: { kind, slug, message: { key, ...(params ? { params } : {}) }, ...(errors ? { errors } : {}) } };
}

/** Field errors from a zod error, with dotted paths as the API reports them. */
export function fieldErrors(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>): Failure['errors'] {
  return issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
}
