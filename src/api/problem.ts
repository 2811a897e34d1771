// RFC 9457 problem details. Every error the API answers is one of these, with a stable `type`.
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
    readonly detail?: string,
    readonly errors?: Array<{ path: string; message: string }>,
    readonly headers: Record<string, string> = {},
  ) {
    super(detail ?? title);
    this.name = 'HttpProblem';
  }

  toBody(instance: string): ProblemBody {
    return {
      type: PROBLEM_BASE + this.slug,
      title: this.title,
      status: this.status,
      ...(this.detail ? { detail: this.detail } : {}),
      instance,
      ...(this.errors ? { errors: this.errors } : {}),
    };
  }
}

export const problems = {
  unauthorized: (detail = 'Missing or invalid credentials.') => new HttpProblem(401, 'unauthorized', 'Unauthorized', detail),
  forbidden: (detail: string) => new HttpProblem(403, 'forbidden', 'Forbidden', detail),
  notFound: (detail = 'No such resource.') => new HttpProblem(404, 'not-found', 'Not Found', detail),
  badRequest: (slug: string, detail: string) => new HttpProblem(400, slug, 'Bad Request', detail),
  validation: (errors: Array<{ path: string; message: string }>) =>
    new HttpProblem(400, 'validation-error', 'Invalid request', 'The request does not match the schema.', errors),
  tooLarge: () => new HttpProblem(413, 'payload-too-large', 'Payload Too Large', 'Request bodies are limited to 256 KiB.'),
  rateLimited: (retryAfterSeconds: number) =>
    new HttpProblem(429, 'rate-limited', 'Too Many Requests', `Retry after ${retryAfterSeconds} s.`, undefined, {
      'retry-after': String(retryAfterSeconds),
    }),
  unavailable: (detail: string) => new HttpProblem(503, 'unavailable', 'Service Unavailable', detail),
};
