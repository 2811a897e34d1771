// Shared API schemas and the pieces every route's OpenAPI entry is made of. The same zod schemas
// validate requests and generate /api/v1/openapi.json (rendered at /docs), so a field's description
// and example sit on the field: `.meta({ description: '…', examples: ['…'] })`, on the outermost
// wrapper (after `.optional()` / `.nullable()`), or the docs lose it. A string with a `pattern` (regex,
// z.iso.datetime, …) needs an example: without one, swagger-ui invents a sample from the regex.
import { z } from 'zod';
import { HttpProblem, PROBLEM_BASE, problems, type ProblemBody } from './problem.ts';

/** Realistic values for examples, in the hub's real formats (src/lib/ids.ts: prefix + UUIDv7 hex). */
export const EXAMPLE = {
  tenantId: 'ten_01a18cae5e0075af8bc0f3eea62dcf0d',
  eventId: 'evt_01a22739f7407569b52c79239cf6bc45',
  clickEventId: 'evt_01a2271ad6807a3b9e5c0d41f27c8e19',
  conversionId: 'cnv_01a22739fbf074e98f5693454478cf10',
  capiEventId: 'cap_01a22739fd1c7c6789b310097df9975d',
  replayId: 'rpl_01a2276414807067bf9c072a79c90f2b',
  jobId: 'job_01a22739fb2879498cb33219d13fa8aa',
  visitorId: 'vis_01a22206ca007d8caf39b6ecc06acf7c',
  sessionId: 'sid_01a2271ad6807e97a6abc19400279043',
  clickId: 'clk_01a2271ad680780285bf02d7371eed66',
  occurredAt: '2026-11-29T12:14:00.000Z',
  receivedAt: '2026-11-29T12:14:00.412Z',
  from: '2026-11-28T00:00:00.000Z',
  to: '2026-11-29T00:00:00.000Z',
} as const;

export const problemSchema = z
  .object({
    type: z.string().meta({
      description: 'Stable URI naming the kind of problem: branch on this, not on the text',
      examples: [`${PROBLEM_BASE}validation-error`],
    }),
    title: z.string().meta({ description: 'Short English name of the kind of problem', examples: ['Invalid request'] }),
    status: z.number().int().meta({ description: 'The HTTP status code, repeated', examples: [400] }),
    detail: z
      .string()
      .optional()
      .meta({
        description: "What went wrong and what to do, in the caller's language (Accept-Language: pt-BR or en, else HUB_LOCALE)",
        examples: ['The request does not match the schema.'],
      }),
    instance: z.string().optional().meta({ description: 'The path of the request that failed', examples: ['/api/v1/events'] }),
    errors: z
      .array(
        z.object({
          path: z.string().meta({ description: 'Dotted path of the invalid field in the body, query or path', examples: ['utm.source'] }),
          message: z.string().meta({ description: 'What is wrong with it', examples: ['Too big: expected string to have <=500 characters'] }),
        }),
      )
      .optional()
      .meta({ description: 'Validation problems only: one entry per invalid field' }),
  })
  .meta({
    id: 'Problem',
    description: 'RFC 9457 problem details, sent as application/problem+json. Never a stack trace, a secret or data of another tenant.',
    examples: [example(problems.validation([{ path: 'from', message: 'Invalid ISO datetime' }]), '/api/v1/events')],
  });

function example(problem: HttpProblem, instance = '/api/v1/events'): ProblemBody {
  return problem.toBody(instance, 'en');
}

/** What each error status means across the API, with a real body as its example. */
const PROBLEMS = {
  400: {
    description: "Invalid request: the problem's `errors` name the fields",
    example: example(problems.validation([{ path: 'from', message: 'Invalid ISO datetime' }])),
  },
  401: {
    description: 'Missing, unknown or revoked credentials: send `Authorization: Bearer hub_sk_…`',
    example: example(problems.unauthorized('problem.unknownKey')),
  },
  403: {
    description: "Valid credentials that do not allow this request (e.g. a browser origin outside the tenant's funnels)",
    example: example(problems.forbidden('problem.originRefused', { origin: 'https://lp.example.com' }), '/api/v1/track/click'),
  },
  404: {
    description: "Not found for this tenant: another tenant's resources answer the same, so nothing can be probed",
    example: example(problems.notFound()),
  },
  409: {
    description: "Conflicts with the resource's current state: the problem's `type` and `detail` say which",
    example: { type: `${PROBLEM_BASE}conflict`, title: 'Conflict', status: 409, detail: 'The request conflicts with the current state of the resource.', instance: '/api/v1/events' },
  },
  413: {
    description: 'The request body is larger than 256 KiB',
    example: example(problems.tooLarge()),
  },
  415: {
    description: 'The body is not `application/json`',
    example: example(new HttpProblem(415, 'unsupported-media-type', 'Unsupported Media Type', { key: 'problem.unsupportedMediaType' })),
  },
  429: {
    description: 'Too many requests: retry after the seconds in the `Retry-After` header',
    example: example(problems.rateLimited(60)),
  },
  503: {
    description: 'Temporarily unavailable (shutting down, or the database or queue does not answer): retry shortly',
    example: example(problems.unavailable()),
  },
} as const satisfies Record<number, { description: string; example: ProblemBody }>;

export type ProblemStatus = keyof typeof PROBLEMS;

export interface ProblemResponse {
  description: string;
  content: { 'application/problem+json': { schema: typeof problemSchema; example: ProblemBody } };
}

/**
 * One named error response. The description and example default to the API-wide meaning of the
 * status; pass what this route means by it when that says more, e.g.
 * `404: problemResponse(404, 'No event with this id for this tenant', { detail: 'No such event.' })`.
 * An example with its own `type` keeps nothing of the default but its title and status. Without an
 * `instance`, the example gets the route's path (openapi-document.ts).
 */
export function problemResponse(status: ProblemStatus, description?: string, example?: Partial<ProblemBody>): ProblemResponse {
  const { instance: _instance, ...base } = PROBLEMS[status].example as ProblemBody;
  const inherited = example?.type === undefined ? base : { type: base.type, title: base.title, status: base.status };
  return {
    description: description ?? PROBLEMS[status].description,
    content: { 'application/problem+json': { schema: problemSchema, example: { ...inherited, ...example } } },
  };
}

/** The named error responses of the statuses a route can answer: `...problemResponses(400, 401, 404)`. */
export function problemResponses<S extends ProblemStatus>(...statuses: S[]): Record<S, ProblemResponse> {
  return Object.fromEntries(statuses.map((s) => [s, problemResponse(s)])) as Record<S, ProblemResponse>;
}

/** The usual set; prefer listing the statuses a route really answers with problemResponses(). */
export const errorResponses = problemResponses(400, 401, 403, 404, 413, 429);

/**
 * A named JSON success response: `200: jsonResponse('The event's whole story', storySchema)`. Without
 * a name the docs say "Default Response".
 */
export function jsonResponse<S extends z.ZodType>(description: string, schema: S) {
  return { description, content: { 'application/json': { schema } } };
}

export const secretKeyAuth = [{ secretKey: [] }];
