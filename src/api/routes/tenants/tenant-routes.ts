// Tenants: creation (platform admin), the caller's own tenant, its settings and key rotation. The work
// is in src/operations/tenants/; these routes authenticate, call it and shape the answer.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppDeps } from '../../deps.ts';
import { requireTenant, tenantOf } from '../../plugins/auth.ts';
import { adminTokenGuard } from '../../plugins/admin-token-guard.ts';
import { requestLocale } from '../../plugins/error-handler.ts';
import { errorResponses, problemResponse, secretKeyAuth } from '../../schemas.ts';
import { plainText } from '../../param-schemas.ts';
import { publicBaseUrl } from '../../public-url.ts';
import { valueOf } from '../../operation-problem.ts';
import { say } from '../../../i18n/index.ts';
import { createTenantOperation, rotateKeyOperation } from '../../../operations/tenants/tenant-operations.ts';
import { describeTenantOperation } from '../../../operations/tenants/describe-tenant.ts';
import {
  getTenantSettingsOperation,
  patchTenantSettingsOperation,
  tenantSettingsPatch,
} from '../../../operations/tenants/tenant-settings.ts';

const TENANT_ID = 'ten_0193b1f2a3c47d8e9f0a1b2c3d4e5f60';
const PUBLIC_KEY = 'hub_pk_3q2-7wE9rT5yU1iO0pA4sD';

const createdTenant = z
  .object({
    id: z.string().describe('Tenant id').meta({ example: TENANT_ID }),
    name: z.string().describe('Tenant name').meta({ example: 'Acme Cursos' }),
    secretKey: z.string().describe('Secret key for the API (shown only this once; stored as a hash)').meta({ example: 'hub_sk_…' }),
    publicKey: z.string().describe('Public key for the browser pixel (not secret)').meta({ example: PUBLIC_KEY }),
  })
  .describe('Tenant created');

const settingsView = z
  .object({
    attribution: z
      .object({
        model: z.enum(['last_click', 'first_click']).describe('Which click a purchase is credited to when a visitor clicked several ads'),
        clickWindowDays: z.number().int().describe('How old a click or session may be, in days before the purchase, to be linked (1-90)').meta({ example: 28 }),
        identityWindowDays: z.number().int().describe('How old an e-mail/phone sighting may be, in days, to link by identity (1-90)').meta({ example: 28 }),
        fingerprintWindowMinutes: z.number().int().describe('How recent a same IP + user agent visit must be, in minutes, for fingerprint matching (1-1440)').meta({ example: 30 }),
      })
      .describe('Attribution rules (docs/matching.md)'),
    fingerprintMatching: z.boolean().describe('Link by network fingerprint (same IP and user agent) when nothing stronger matches; low confidence, off by default'),
    alertWebhookUrl: z
      .string()
      .nullable()
      .describe("Where this tenant's alerts are posted (docs/operations.md, \"Tenant alerts\"); null: the server's HUB_ALERT_WEBHOOK_URL, if set")
      .meta({ example: 'https://hooks.slack.com/services/T0000/B0000/XXXXXXXX' }),
    rateLimits: z
      .object({
        perIpPerMinute: z.number().int().describe('Tracking requests one address may send to this tenant per minute').meta({ example: 600 }),
        tenantPerMinute: z.number().int().describe("Tracking requests this tenant takes per minute, all addresses together").meta({ example: 30_000 }),
      })
      .describe('Tracking API rate limits in force (docs/operations.md, "Tracking rate limits")'),
  })
  .describe("The tenant's matching settings");

const tenantView = z
  .object({
    id: z.string().describe('Tenant id').meta({ example: TENANT_ID }),
    name: z.string().describe('Tenant name').meta({ example: 'Acme Cursos' }),
    publicKey: z.string().describe('Public key for the browser pixel').meta({ example: PUBLIC_KEY }),
    createdAt: z.string().describe('When the tenant was created (RFC 3339)').meta({ example: '2026-11-29T12:00:00.000Z' }),
    pixelTag: z
      .string()
      .describe('The tag to paste in the <head> of every landing page, with this hub\'s address and the public key filled in')
      .meta({ example: `<script async src="https://hub.acme.com.br/pixel.js" data-key="${PUBLIC_KEY}"></script>` }),
    funnels: z
      .array(
        z.object({
          slug: z.string().describe('Funnel slug').meta({ example: 'main' }),
          origins: z.array(z.string()).describe('Browser origins allowed to call the tracking API').meta({ example: ['https://lp.acme.com.br'] }),
          checkoutHosts: z.array(z.string()).describe('Checkout hosts whose links the pixel decorates').meta({ example: ['pay.hotmart.com'] }),
        }),
      )
      .describe('Funnels (PUT /api/v1/funnels/{slug})'),
    connections: z
      .array(
        z.object({
          kind: z.string().describe('meta, or a gateway name').meta({ example: 'hotmart' }),
          configured: z.literal(true).describe('Always true: secrets are never returned'),
          hint: z.string().describe('Last characters of the secret, to recognise it').meta({ example: '…x9Qa' }),
          health: z.string().describe('healthy, unverified (not checked yet) or unhealthy (see healthReason)').meta({ example: 'healthy' }),
          healthReason: z.string().nullable().describe('Why the connection is not healthy, and what to do'),
          settings: z.record(z.string(), z.unknown()).describe('Non-secret settings (pixel id, test event code, …)'),
          webhookUrl: z
            .string()
            .nullable()
            .describe("For a gateway: the URL to paste in the gateway's webhook settings")
            .meta({ example: `https://hub.acme.com.br/api/v1/webhooks/hotmart?tenant=${TENANT_ID}` }),
          updatedAt: z.string().describe('Last change (RFC 3339)').meta({ example: '2026-11-29T12:00:00.000Z' }),
        }),
      )
      .describe('Meta and gateway connections'),
    refusedOrigins: z
      .array(
        z.object({
          origin: z.string().describe('A browser origin that called the tracking API with this public key but is not in any funnel').meta({ example: 'https://www.acme.com.br' }),
          count: z.number().int().describe('Requests refused').meta({ example: 42 }),
          lastSeenAt: z.string().describe('Last refused request (RFC 3339)').meta({ example: '2026-11-29T12:00:00.000Z' }),
        }),
      )
      .describe('Origins refused recently: add the right ones to a funnel'),
    warnings: z.array(z.string()).describe('What needs attention, in the request\'s language (Accept-Language)'),
  })
  .describe("The caller's tenant");

const rotateBody = z.object({
  kind: z.enum(['secret', 'public']).describe('Which key to rotate'),
  overlapHours: z
    .number()
    .min(0)
    .max(168)
    .default(24)
    .describe('How long the previous key keeps working, in hours (0: stops now; at most a week)')
    .meta({ example: 24 }),
});

const rotatedKey = z
  .object({
    kind: z.enum(['secret', 'public']).describe('Which key was rotated'),
    key: z.string().describe('The new key (a secret key is shown only this once)').meta({ example: 'hub_sk_…' }),
    previousValidUntil: z.string().describe('When the previous key stops working (RFC 3339)').meta({ example: '2026-11-30T12:00:00.000Z' }),
  })
  .describe('The new key');

export function tenantRoutes(deps: AppDeps): FastifyPluginAsyncZod {
  return async (app) => {
    const requireAdminToken = await adminTokenGuard(app, deps);

    app.post(
      '/api/v1/tenants',
      {
        // Before the body is validated: every guess is counted, whatever it sends.
        preValidation: requireAdminToken,
        schema: {
          summary: 'Create a tenant (platform admin token)',
          tags: ['tenants'],
          security: [{ adminToken: [] }],
          body: z.object({ name: plainText(200).describe('Tenant name, e.g. the seller\'s business').meta({ example: 'Acme Cursos' }) }),
          response: {
            201: createdTenant,
            ...errorResponses,
            429: problemResponse(429, 'This address presented a wrong admin token 10 times in 15 minutes: every admin request from it waits for the seconds in `Retry-After`'),
          },
        },
      },
      async (request, reply) => reply.code(201).send(valueOf(await createTenantOperation(deps, { name: request.body.name }))),
    );

    const tenantAuth = requireTenant(deps.store.db);

    app.get(
      '/api/v1/tenant',
      {
        preHandler: tenantAuth,
        schema: {
          summary: "The caller's tenant, its pixel tag, funnels and connections",
          description: 'Secrets are never returned. Also lists origins refused recently and warnings in the request\'s language.',
          tags: ['tenants'],
          security: secretKeyAuth,
          response: { 200: tenantView, ...errorResponses },
        },
      },
      async (request) => {
        const view = valueOf(await describeTenantOperation(deps, tenantOf(request).id, publicBaseUrl(deps.config, request)));
        const locale = requestLocale(request);
        return { ...view, warnings: view.warnings.map((w) => say(locale, w)) };
      },
    );

    app.get(
      '/api/v1/tenant/settings',
      {
        preHandler: tenantAuth,
        schema: { summary: 'Read the matching settings', tags: ['tenants'], security: secretKeyAuth, response: { 200: settingsView, ...errorResponses } },
      },
      async (request) => valueOf(await getTenantSettingsOperation(deps, tenantOf(request).id)),
    );

    app.patch(
      '/api/v1/tenant/settings',
      {
        preHandler: tenantAuth,
        schema: {
          summary: 'Change the matching settings',
          description: 'A JSON merge patch (RFC 7396): omitted fields keep their value, null restores the default.',
          tags: ['tenants'],
          security: secretKeyAuth,
          // Validated by the operation (strictly, with the field named in the error), not here.
          body: tenantSettingsPatch.describe('Fields to change').meta({ example: { attribution: { clickWindowDays: 7 }, fingerprintMatching: true } }),
          response: { 200: settingsView, ...errorResponses },
        },
      },
      async (request) => valueOf(await patchTenantSettingsOperation(deps, tenantOf(request).id, request.body)),
    );

    app.post(
      '/api/v1/tenant/keys/rotate',
      {
        preHandler: tenantAuth,
        schema: {
          summary: 'Issue a new secret or public key; the previous one keeps working for the overlap',
          tags: ['tenants'],
          security: secretKeyAuth,
          body: rotateBody,
          response: { 200: rotatedKey, ...errorResponses },
        },
      },
      async (request) => valueOf(await rotateKeyOperation(deps, tenantOf(request).id, request.body)),
    );
  };
}
