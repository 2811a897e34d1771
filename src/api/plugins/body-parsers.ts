// Keeps the exact request bytes (webhook signatures are computed over them) and parses JSON with
// Fastify's own prototype-poisoning-safe parser. The pixel posts JSON as text/plain to avoid a CORS
// preflight, so text/plain is parsed as JSON too. Any other type arrives as a Buffer.
import type { FastifyInstance } from 'fastify';
import { problems } from '../problem.ts';

declare module 'fastify' {
  interface FastifyRequest {
    rawBody: Buffer | null;
  }
}

export function registerBodyParsers(app: FastifyInstance): void {
  app.decorateRequest('rawBody', null);
  const parseJson = app.getDefaultJsonParser('error', 'error');
  const jsonFromBuffer = (request: { rawBody: Buffer | null }, body: Buffer, done: (err: Error | null, body?: unknown) => void) => {
    request.rawBody = body;
    if (body.length === 0) return done(null, undefined);
    parseJson(request as never, body.toString('utf8'), (err, parsed) => {
      if (err) return done(problems.badRequest('malformed-json', 'problem.malformedJson'));
      done(null, parsed);
    });
  };
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(['application/json', 'text/plain'], { parseAs: 'buffer' }, jsonFromBuffer);
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (request, body, done) => {
    request.rawBody = body as Buffer;
    done(null, body);
  });
}
