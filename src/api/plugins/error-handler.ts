// The one place that turns errors into problem+json responses. No stack traces, no secrets.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { HttpProblem, problems } from '../problem.ts';
import { reportError } from '../../lib/error-reporting.ts';
import { failSpan, traceIdOf } from '../../lib/tracing.ts';
import { localeFromAcceptLanguage, type Locale } from '../../i18n/index.ts';

/** The caller's language for messages: Accept-Language, else the server's HUB_LOCALE. */
export function requestLocale(request: FastifyRequest): Locale {
  const header = request.headers['accept-language'];
  return localeFromAcceptLanguage(typeof header === 'string' ? header : undefined, request.server.hubLocale ?? 'en');
}

declare module 'fastify' {
  interface FastifyInstance {
    /** HUB_LOCALE: the language of messages when a request names none. */
    hubLocale: Locale;
  }
}

export function sendProblem(reply: FastifyReply, request: FastifyRequest, problem: HttpProblem): FastifyReply {
  for (const [k, v] of Object.entries(problem.headers)) reply.header(k, v);
  return reply
    .code(problem.status)
    .type('application/problem+json')
    .header('content-language', requestLocale(request))
    .header('vary', 'Accept-Language')
    .send(problem.toBody(request.url.split('?')[0] ?? request.url, requestLocale(request)));
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
      return problems.badRequest('malformed-json', 'problem.malformedJson');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new HttpProblem(415, 'unsupported-media-type', 'Unsupported Media Type', { key: 'problem.unsupportedMediaType' });
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return problems.badRequest('bad-content-length', 'problem.badContentLength');
  }
  // Defence in depth: a value the schemas let through but PostgreSQL refuses (a data exception,
  // SQLSTATE class 22: a NUL in text, a time out of range, …) is the caller's input, not an outage.
  if (sqlDataException(error)) return problems.badRequest('invalid-value', 'problem.badRequest');
  if (error.statusCode === 429) return problems.rateLimited(60);
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    return new HttpProblem(error.statusCode, 'bad-request', 'Bad Request', { key: 'problem.badRequest' });
  }
  return new HttpProblem(500, 'internal', 'Internal Server Error', { key: 'problem.internal' });
}

/**
 * Fastify's own refusals before any route runs (a malformed %-escape in the path, a path parameter over
 * maxParamLength): problem+json like every other error. buildApp passes it as `frameworkErrors`.
 */
export function sendFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return sendProblem(reply, request, toProblem(error));
}

/** The SQLSTATE of a PostgreSQL data exception (class 22) behind the error, wrapped or not. */
export function sqlDataException(error: unknown): string | undefined {
  for (let e = error, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^22[0-9A-Z]{3}$/.test(code)) return code;
  }
  return undefined;
}

export function registerErrorHandling(app: FastifyInstance, locale: Locale): void {
  app.decorate('hubLocale', locale);
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const problem = toProblem(error);
    const sqlState = sqlDataException(error);
    // Answered 400, but a schema missed this value: say so where developers look.
    if (sqlState) request.log.warn({ err: error, reqId: request.id, sqlState }, 'the database refused a value the API accepted');
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
  app.setNotFoundHandler((request, reply) => sendProblem(reply, request, problems.notFound('problem.noSuchRoute')));
}
