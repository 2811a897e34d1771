// RFC 9457 problem details. Every error the API answers is one of these, with a stable `type`; the
// `detail` is said in the caller's language (Accept-Language, else HUB_LOCALE).
import { say, type Locale, type Message, type MessageKey, type MessageParams } from '../i18n/index.ts';

export const PROBLEM_BASE = 'https://hub.dev/problems/';

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  errors?: Array<{ path: string; message: string }>;
}

export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly slug: string,
    readonly title: string,
    readonly detail?: Message,
    readonly errors?: Array<{ path: string; message: string }>,
    readonly headers: Record<string, string> = {},
  ) {
    super(detail ? say('en', detail) : title);
    this.name = 'HttpProblem';
  }

  toBody(instance: string, locale: Locale): ProblemBody {
    return {
      type: PROBLEM_BASE + this.slug,
      title: this.title,
      status: this.status,
      ...(this.detail ? { detail: say(locale, this.detail) } : {}),
      instance,
      ...(this.errors ? { errors: this.errors } : {}),
    };
  }
}

const m = (key: MessageKey, params?: MessageParams): Message => ({ key, ...(params ? { params } : {}) });

export const problems = {
  unauthorized: (key: MessageKey = 'problem.unauthorized') => new HttpProblem(401, 'unauthorized', 'Unauthorized', m(key)),
  forbidden: (key: MessageKey, params?: MessageParams) => new HttpProblem(403, 'forbidden', 'Forbidden', m(key, params)),
  notFound: (key: MessageKey = 'problem.notFound', params?: MessageParams) =>
    new HttpProblem(404, 'not-found', 'Not Found', m(key, params)),
  badRequest: (slug: string, key: MessageKey, params?: MessageParams) => new HttpProblem(400, slug, 'Bad Request', m(key, params)),
  validation: (errors: Array<{ path: string; message: string }>) =>
    new HttpProblem(400, 'validation-error', 'Invalid request', m('problem.validation'), errors),
  conflict: (slug: string, key: MessageKey, params?: MessageParams) => new HttpProblem(409, slug, 'Conflict', m(key, params)),
  tooLarge: () => new HttpProblem(413, 'payload-too-large', 'Payload Too Large', m('problem.tooLarge')),
  rateLimited: (retryAfterSeconds: number) =>
    new HttpProblem(429, 'rate-limited', 'Too Many Requests', m('problem.rateLimited', { seconds: retryAfterSeconds }), undefined, {
      'retry-after': String(retryAfterSeconds),
    }),
  unavailable: (key: MessageKey = 'problem.unavailable') => new HttpProblem(503, 'unavailable', 'Service Unavailable', m(key)),
};
