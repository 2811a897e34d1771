// The one place that turns errors into problem+json responses. No stack traces, no secrets.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { HttpProblem, problems } from '../problem.ts';
import { reportError } from '../../lib/error-reporting.ts';
import { failSpan, traceIdOf } from '../../lib/tracing.ts';

export function sendProblem(reply: FastifyReply, request: FastifyRequest, problem: HttpProblem): FastifyReply {
  for (const [k, v] of Object.entries(problem.headers)) reply.header(k, v);
  return reply
    .code(problem.status)
    .type('application/problem+json')
    .send(problem.toBody(request.url.split('?')[0] ?? request.url));
}

function toProblem(error: FastifyError): HttpProblem {
  if (error instanceof HttpProblem) return error;
  if (hasZodFastifySchemaValidationErrors(error)) {
    return problems.validation(
      error.validation.map((v) => {
        const where = v.instancePath.replace(/^\//, '').replaceAll('/', '.');
        return { path: where, message: v.message ?? 'invalid' };
      }),
    );
  }
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return problems.tooLarge();
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return problems.badRequest('malformed-json', 'The body is not valid JSON.');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new HttpProblem(415, 'unsupported-media-type', 'Unsupported Media Type', 'Send application/json.');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return problems.badRequest('bad-content-length', 'Content-Length does not match the body.');
  }
  if (error.statusCode === 429) return problems.rateLimited(60);
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    return new HttpProblem(error.statusCode, 'bad-request', 'Bad Request', 'The request could not be processed.');
  }
  return new HttpProblem(500, 'internal', 'Internal Server Error', 'Something went wrong; the request id identifies it in the logs.');
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const problem = toProblem(error);
    if (problem.status >= 500) {
      request.log.error({ err: error, reqId: request.id }, 'request failed');
      failSpan(request.traceSpan ?? undefined, error);
      // Unexpected failures only (4xx are the client's); the report carries no body, query or headers.
      reportError(error, {
        tags: { route: request.routeOptions.url ?? 'unmatched', method: request.method, request_id: request.id, trace_id: traceIdOf(request.traceSpan ?? undefined) },
      });
    }
    return sendProblem(reply, request, problem);
  });
  app.setNotFoundHandler((request, reply) => sendProblem(reply, request, problems.notFound('No such route.')));
}
