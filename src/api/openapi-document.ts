// The OpenAPI document's frame: what /docs says before any route (how to authenticate, the
// conventions, which server URL to use), the tags, and the route transform. Routes describe
// themselves with their zod schemas (see schemas.ts); openapi-doc.test.ts checks they do.
import type { FastifyDynamicSwaggerOptions, SwaggerTransform } from '@fastify/swagger';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import type { Config } from '../config.ts';

/** Every tag an operation may use; an operation's tag missing here fails openapi-doc.test.ts. */
export const API_TAGS = [
  { name: 'tenants', description: 'A tenant is one seller: its keys, funnels, connections and settings.' },
  { name: 'connections', description: 'Connect Meta (the pixel and its Conversions API token) and the payment gateways. Secrets are encrypted at rest and never returned.' },
  { name: 'funnels', description: "A funnel's landing page origins (the only origins allowed to call the tracking API from a browser) and checkout hosts." },
  { name: 'tracking', description: 'Clicks, page views and checkouts from the browser pixel or a server, with the public key `hub_pk_…`.' },
  { name: 'webhooks', description: "Purchases, refunds and subscriptions as the gateways send them (Hotmart, Kiwify, Stripe), authenticated by each gateway's own signature." },
  { name: 'operations', description: 'What happened to each event (the match, what Meta answered), replays, stats and work that failed every retry.' },
  { name: 'health', description: 'Readiness for load balancers and orchestrators.' },
];

function apiDescription(config: Config): string {
  return [
    'Server-side conversion tracking for Hotmart, Kiwify and Stripe sellers on Meta ads: the browser pixel and the tracking API capture clicks and visits, gateway webhooks bring purchases, the hub links each purchase to its click and sends it to the Meta Conversions API, exactly once as Meta sees it.',
    '**Authentication.** Most endpoints take the tenant secret key, `Authorization: Bearer hub_sk_…` (shown once by `npx hub tenant create`). The pixel and the tracking endpoints take the public key `hub_pk_…`; gateways authenticate with their own signatures; `POST /api/v1/tenants` takes the platform admin token (`HUB_ADMIN_TOKEN`).',
    '**Conventions.** JSON in and out. Times are RFC 3339 in UTC (`2026-11-29T12:00:00.000Z`); money is a decimal string and an ISO 4217 currency (`"197.00"`, `"BRL"`), never a float; ids are opaque strings with a type prefix (`ten_…`, `evt_…`, `cnv_…`, `cap_…`). Errors are RFC 9457 problem details (`application/problem+json`) whose `detail` follows `Accept-Language` (pt-BR or en). Every response carries `X-Request-Id`. Lists page with `?limit=` (1-500, default 50) and the `nextCursor` they return.',
    '**The pixel.** One tag on every landing page: `<script async src="https://YOUR-HUB/pixel.js" data-key="hub_pk_…"></script>`.',
    config.publicUrl
      ? `**Server URL.** "Try it out" sends requests to the address this page was opened from. The hub's public URL is ${config.publicUrl} (HUB_PUBLIC_URL): webhook URLs and the pixel tag use it.`
      : '**Server URL.** "Try it out" sends requests to the address this page was opened from. Gateways and browsers need a public HTTPS address: set `HUB_PUBLIC_URL` (webhook URLs and the pixel tag are built from it; unset, they use the host of each request, e.g. `http://localhost:8080`, which no gateway can reach) and, behind a reverse proxy, `HUB_TRUSTED_PROXIES`.',
  ].join('\n\n');
}

export function swaggerOptions(config: Config): FastifyDynamicSwaggerOptions {
  return {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Hub API', version: '1.0.0', description: apiDescription(config) },
      servers: [
        { url: '/', description: 'This hub, at the address this page was opened from' },
        ...(config.publicUrl ? [{ url: config.publicUrl, description: 'This hub at its public URL (HUB_PUBLIC_URL)' }] : []),
      ],
      tags: API_TAGS,
      components: {
        securitySchemes: {
          secretKey: { type: 'http', scheme: 'bearer', description: 'The tenant secret key `hub_sk_…`, shown once when the tenant is created (`npx hub tenant create`).' },
          adminToken: { type: 'http', scheme: 'bearer', description: "The platform admin token: the server's `HUB_ADMIN_TOKEN`." },
          publicKey: { type: 'apiKey', in: 'header', name: 'X-Hub-Public-Key', description: 'The tenant public key `hub_pk_…` (not a secret; it is in the pixel tag). The JSON field `publicKey` works too.' },
        },
      },
    },
    transform: openApiTransform,
    transformObject: jsonSchemaTransformObject,
  };
}

type Media = { example?: Record<string, unknown> };
type JsonSchemaObject = { properties?: Record<string, { examples?: unknown[] }> };

/**
 * zod's transform keeps only the schema of a response's media types; this keeps their example too
 * (the named problem responses carry one, schemas.ts) and fills its `instance` with the route's path,
 * path parameters replaced by their examples.
 */
export const openApiTransform: SwaggerTransform = (document) => {
  const transformed = jsonSchemaTransform(document as Parameters<typeof jsonSchemaTransform>[0]);
  const source = (document.schema as { response?: Record<string, { content?: Record<string, Media> }> } | undefined)?.response;
  const target = (transformed.schema as { response?: Record<string, { content?: Record<string, Media> }> }).response;
  if (!source || !target) return transformed;
  const params = (transformed.schema as { params?: JsonSchemaObject }).params?.properties ?? {};
  const instance = document.url.replace(/:(\w+)/g, (whole, name: string) => {
    const value = params[name]?.examples?.[0];
    return typeof value === 'string' ? value : whole;
  });
  for (const [status, response] of Object.entries(source)) {
    for (const [type, media] of Object.entries(response.content ?? {})) {
      const into = target[status]?.content?.[type];
      if (media.example === undefined || !into) continue;
      into.example = type === 'application/problem+json' ? withInstance(media.example, instance) : media.example;
    }
  }
  return transformed;
};

/** The problem example with its `instance` in the place the API sends it (before `errors`). */
function withInstance(example: Record<string, unknown>, instance: string): Record<string, unknown> {
  if (example.instance !== undefined) return example;
  const { errors, ...rest } = example;
  return { ...rest, instance, ...(errors === undefined ? {} : { errors }) };
}
