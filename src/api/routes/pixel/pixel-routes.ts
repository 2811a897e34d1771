// GET /pixel.js: the browser snippet, built once per process by pixel/build-pixel.ts.
// Caching: sellers install one unversioned URL (`<script src="https://HUB/pixel.js">`), so a fix must
// reach their visitors without a new tag. One day of freshness plus a week of stale-while-revalidate
// means a returning visitor never waits for the script (the refresh happens in the background) and a
// new release is everywhere within a day; the ETag makes each revalidation a bodyless 304.
import { gzipSync } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppDeps } from '../../deps.ts';
import { buildPixel, type BuiltPixel } from '../../../../pixel/build-pixel.ts';

export const PIXEL_CACHE_CONTROL = 'public, max-age=86400, stale-while-revalidate=604800';

const script = z.string().meta({
  description: 'The minified script (gzip when the browser accepts it), under 4 KiB gzipped',
  examples: ['"use strict";(()=>{…})();'],
});

interface Served {
  identity: { body: Buffer; etag: string };
  gzip: { body: Buffer; etag: string };
}

export function pixelRoutes(_deps: AppDeps) {
  let served: Promise<Served> | undefined;
  const load = () => {
    served ??= buildPixel().then(prepare, (err: unknown) => {
      served = undefined;
      throw err;
    });
    return served;
  };

  return async (app: FastifyInstance) => {
    app.get(
      '/pixel.js',
      {
        schema: {
          summary: 'Get the browser pixel',
          description:
            'Install it with one tag on every landing page: `<script async src="https://YOUR-HUB/pixel.js" data-key="hub_pk_…"></script>` (GET /api/v1/tenant and PUT /api/v1/funnels/{slug} answer it filled in). Optional attributes: `data-fbq="off"` (do not mirror events to the page\'s Meta Pixel) and `data-checkout-hosts="pay.acme.com,*.shop.com"` (more checkout hosts besides the funnel\'s). Cached for a day, revalidated in the background for a week.',
          tags: ['tracking'],
          response: {
            200: { description: 'The pixel script', content: { 'application/javascript': { schema: script } } },
            304: z.null().meta({ description: 'Not modified: the ETag in If-None-Match is current (no body)' }),
          },
        },
      },
      async (request: FastifyRequest, reply: FastifyReply) => {
        const pixel = await load();
        const gzip = /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''));
        const variant = gzip ? pixel.gzip : pixel.identity;
        reply
          .header('content-type', 'application/javascript; charset=utf-8')
          .header('cache-control', PIXEL_CACHE_CONTROL)
          .header('etag', variant.etag)
          .header('vary', 'Accept-Encoding')
          .header('x-content-type-options', 'nosniff')
          // The script is public and the same for everyone: any page may load it (also as a module/fetch).
          .header('access-control-allow-origin', '*');
        if (matchesEtag(request.headers['if-none-match'], [pixel.identity.etag, pixel.gzip.etag])) {
          return reply.code(304).send();
        }
        if (gzip) reply.header('content-encoding', 'gzip');
        return reply.send(variant.body);
      },
    );
  };
}

function prepare(built: BuiltPixel): Served {
  const body = Buffer.from(built.code, 'utf8');
  return {
    identity: { body, etag: built.etag },
    // Each encoding is its own representation, so it gets its own strong ETag.
    gzip: { body: gzipSync(body, { level: 9 }), etag: `${built.etag.slice(0, -1)}-gz"` },
  };
}

/** If-None-Match uses the weak comparison (RFC 9110 §13.1.2): W/ prefixes are ignored. */
function matchesEtag(header: string | undefined, etags: string[]): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((tag) => etags.includes(tag.trim().replace(/^W\//, '')));
}
