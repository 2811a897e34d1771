// Serves a seller's landing page from a local HTTP server: every GET path answers with the page.
import Fastify from 'fastify';

export interface ServeLandingPageOptions {
  /** The page, or a function of the request URL (path and query) returning it. */
  html: string | ((url: string) => string);
  /** 0 (default) picks a free port. */
  port?: number;
  /** Address to listen on; default 127.0.0.1. */
  host?: string;
}

export interface LandingPage {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  port: number;
  /** Absolute URL of a path on this server, e.g. `url('/?fbclid=abc')`. */
  url(pathAndQuery?: string): string;
  close(): Promise<void>;
}

export async function serveLandingPage(options: ServeLandingPageOptions): Promise<LandingPage> {
  const app = Fastify({ logger: false });
  const render = typeof options.html === 'function' ? options.html : () => options.html as string;
  app.get('/*', async (request, reply) => reply.type('text/html; charset=utf-8').send(render(request.url)));
  app.get('/favicon.ico', async (_request, reply) => reply.code(204).send());
  const host = options.host ?? '127.0.0.1';
  await app.listen({ host, port: options.port ?? 0 });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('landing page server has no TCP address');
  const origin = `http://${host}:${address.port}`;
  return {
    origin,
    port: address.port,
    url: (pathAndQuery = '/') => origin + pathAndQuery,
    close: () => app.close(),
  };
}
