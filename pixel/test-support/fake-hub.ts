// A stand-in for the hub's tracking API, for testing the pixel alone: serves /pixel.js from
// buildPixel(), records every POST /api/v1/track/* and answers 202 like the contract says. It answers
// CORS like the real hub (reflecting the origin), and records preflights so a test can assert none.
import Fastify from 'fastify';
import { buildPixel } from '../build-pixel.ts';
import type { TrackBody, TrackResponse } from '../src/types.ts';

export interface RecordedTrack {
  name: string;
  body: TrackBody;
  headers: Record<string, string | string[] | undefined>;
}

export interface FakeHubOptions {
  /** Shapes the 202 answer; default echoes the ids and decorates with the session id. */
  answer?: (name: string, body: TrackBody) => TrackResponse;
  /** Listen address; default 127.0.0.1 (reach it as http://localhost:<port> for a second origin). */
  host?: string;
}

export interface FakeHub {
  /** `http://localhost:<port>` — a different origin from a landing page on 127.0.0.1. */
  origin: string;
  tracks: RecordedTrack[];
  preflights: number;
  /** `<script async src=".../pixel.js" data-key="…" …attributes>` */
  scriptTag(attributes?: Record<string, string>): string;
  /** Resolves with the first recorded track that matches, waiting up to `timeoutMs`. */
  waitForTrack(match: (track: RecordedTrack) => boolean, timeoutMs?: number): Promise<RecordedTrack>;
  close(): Promise<void>;
}

export const FAKE_PUBLIC_KEY = 'hub_pk_test_0123456789';

export function defaultAnswer(_name: string, body: TrackBody): TrackResponse {
  return {
    id: 'evt_' + Math.random().toString(16).slice(2),
    eventId: body.eventId,
    visitorId: body.visitorId,
    sessionId: body.sessionId,
    fbc: body.fbc ?? null,
    decorate: { sck: 'hub_' + body.sessionId, client_reference_id: body.sessionId },
    checkoutHosts: [],
  };
}

export async function startFakeHub(options: FakeHubOptions = {}): Promise<FakeHub> {
  const app = Fastify({ logger: false });
  const tracks: RecordedTrack[] = [];
  const hub = { preflights: 0 };
  const answer = options.answer ?? defaultAnswer;

  app.addContentTypeParser(['text/plain', 'application/json'], { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, JSON.parse(body as string));
    } catch (error) {
      done(error as Error);
    }
  });
  app.addHook('onRequest', async (request, reply) => {
    const origin = request.headers.origin;
    if (origin) reply.header('access-control-allow-origin', origin).header('vary', 'Origin');
  });
  app.options('/*', async (request, reply) => {
    hub.preflights++;
    return reply
      .code(204)
      .header('access-control-allow-methods', 'POST')
      .header('access-control-allow-headers', request.headers['access-control-request-headers'] ?? '')
      .send();
  });
  app.get('/pixel.js', async (_request, reply) => {
    const pixel = await buildPixel();
    return reply.type('text/javascript; charset=utf-8').header('etag', pixel.etag).send(pixel.code);
  });
  app.post<{ Params: { name: string }; Body: TrackBody }>('/api/v1/track/:name', async (request, reply) => {
    tracks.push({ name: request.params.name, body: request.body, headers: request.headers });
    return reply.code(202).send(answer(request.params.name, request.body));
  });

  await app.listen({ host: options.host ?? '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('fake hub has no TCP address');
  const origin = `http://localhost:${address.port}`;

  return {
    origin,
    tracks,
    get preflights() {
      return hub.preflights;
    },
    scriptTag(attributes = {}) {
      const attrs = Object.entries({ 'data-key': FAKE_PUBLIC_KEY, ...attributes })
        .map(([name, value]) => ` ${name}="${value}"`)
        .join('');
      return `<script async src="${origin}/pixel.js"${attrs}></script>`;
    },
    async waitForTrack(match, timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = tracks.find(match);
        if (found) return found;
        if (Date.now() > deadline) {
          throw new Error(`no matching track within ${timeoutMs} ms; got: ${tracks.map((t) => t.name).join(', ') || 'none'}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    close: () => app.close(),
  };
}
