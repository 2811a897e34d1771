// Save a funnel: the landing-page origins allowed to call the tracking API, and the checkout hosts the
// pixel decorates on those pages (they reach the pixel in every tracking answer). The answer carries
// the pixel tag to paste, filled in with the tenant's public key and the hub's address. Routes, the
// CLI and agent tools call this; the schemas below are also the route's OpenAPI description.
import { z } from 'zod';
import type { OperationContext } from '../context.ts';
import { fail, fieldErrors, ok, type Outcome } from '../outcome.ts';
import { findTenant } from '../../store/tenants.ts';
import { upsertFunnel } from '../../store/funnels.ts';
import { forgetRefusedOrigins } from '../../store/refused-origins.ts';
import { pixelTag } from '../tenants/pixel-tag.ts';

export const funnelSlugSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'expected a slug of a-z, 0-9 and -')
  .meta({ description: 'The funnel\'s name in URLs and reports: 1-63 of a-z, 0-9 and "-"', examples: ['lancamento-black-friday'] });

/** `https://lp.example.com/` → `https://lp.example.com`; undefined for anything that is not a bare origin. */
function originOf(value: string): string | undefined {
  if (!URL.canParse(value)) return undefined;
  const u = new URL(value);
  const bare = (u.protocol === 'https:' || u.protocol === 'http:') && (u.pathname === '/' || u.pathname === '') && !u.search;
  return bare ? u.origin : undefined;
}

// A refinement, not a transform: the docs show a schema with transforms without its examples. The
// operation normalizes (originOf) after validation.
const origin = z
  .string()
  .max(300)
  .refine((v) => originOf(v) !== undefined, { message: 'expected an origin like https://lp.example.com' })
  .meta({ description: 'Scheme, host and port of a landing page, without a path', examples: ['https://lp.acme.com.br'] });

const host = z
  .string()
  .trim()
  .toLowerCase()
  .max(253)
  .regex(/^(\*\.)?([a-z0-9-]+\.)+[a-z0-9-]+$/, 'expected a host name like pay.hotmart.com')
  .meta({ description: 'A checkout host name; it also covers its subdomains ("*.shop.com" is the same as "shop.com")', examples: ['pay.acme.com.br'] });

export const saveFunnelBody = z
  .object({
    origins: z
      .array(origin)
      .max(50)
      .meta({
        description:
          'Browser origins (scheme://host[:port]) whose pages may send tracking events with your public key; a page on any other origin is refused (listed under refusedOrigins in GET /api/v1/tenant)',
        examples: [['https://lp.acme.com.br', 'https://www.acme.com.br']],
      }),
    checkoutHosts: z
      .array(host)
      .max(50)
      .default([])
      .meta({
        description:
          'Checkout hosts beyond Hotmart, Kiwify and Stripe (which the pixel knows already) whose links the pixel decorates with the session id and UTM tags, e.g. your own checkout domain. They reach the pixel with every tracking answer; default none',
        examples: [['pay.acme.com.br']],
      }),
  })
  .meta({
    description: "The funnel's settings; a PUT replaces them all",
    examples: [{ origins: ['https://lp.acme.com.br', 'https://www.acme.com.br'], checkoutHosts: ['pay.acme.com.br'] }],
  });
export type SaveFunnelInput = z.input<typeof saveFunnelBody>;

export const savedFunnelSchema = z
  .object({
    slug: funnelSlugSchema,
    origins: z.array(z.string()).meta({ description: 'The allowed origins, normalized and without duplicates', examples: [['https://lp.acme.com.br']] }),
    checkoutHosts: z.array(z.string()).meta({ description: 'The checkout hosts, lower-cased and without duplicates', examples: [['pay.acme.com.br']] }),
    pixelTag: z.string().meta({
      description: "The tag to paste in the <head> of every page on this funnel's origins, with your public key and this hub's address filled in",
      examples: ['<script async src="https://hub.acme.com.br/pixel.js" data-key="hub_pk_3q2-7wE9rT5yU1iO0pA4sD"></script>'],
    }),
  })
  .meta({ description: 'The funnel as saved, and the pixel tag for its pages' });
export type SavedFunnel = z.output<typeof savedFunnelSchema>;

/** `baseUrl`: the hub's public address, for the pixel tag (the route's publicBaseUrl, the CLI's own). */
export async function saveFunnelOperation(
  ctx: OperationContext & { baseUrl: string },
  tenantId: string,
  input: SaveFunnelInput & { slug: string },
): Promise<Outcome<SavedFunnel>> {
  const parsed = saveFunnelBody.extend({ slug: funnelSlugSchema }).safeParse(input);
  if (!parsed.success) {
    const errors = fieldErrors(parsed.error.issues) ?? [];
    return fail('invalid', 'validation-error', 'tracking.funnelInvalid', { fields: [...new Set(errors.map((e) => e.path.split('.')[0]))].join(', ') }, errors);
  }
  const tenant = await findTenant(ctx.store.db, tenantId);
  if (!tenant) return fail('not_found', 'not-found', 'problem.noSuchTenant');
  const { slug, origins, checkoutHosts } = parsed.data;
  const saved = await upsertFunnel(ctx.store.db, tenant.id, slug, {
    origins: [...new Set(origins.map((o) => originOf(o)!))],
    checkoutHosts: [...new Set(checkoutHosts)],
  });
  // An origin the seller just allowed is no longer a problem to show them.
  await forgetRefusedOrigins(ctx.store.db, tenant.id, saved.origins);
  return ok({
    slug: saved.slug,
    origins: saved.origins,
    checkoutHosts: saved.checkout_hosts,
    pixelTag: pixelTag(ctx.baseUrl, tenant.public_key),
  });
}
