// English messages. Keys are grouped by where the seller reads them; pt-BR.ts has the same keys
// (the type makes a missing one a compile error). Interpolation: {{name}}. Parts with many messages
// keep them in a section file of their own (section-*.ts), both languages side by side.
import { metaEn } from './section-meta.ts';
import { trackingEn } from './section-tracking.ts';
import { docsEn } from './section-docs.ts';
import { reconciliationEn } from './section-reconciliation.ts';
import { alertsEn } from './section-alerts.ts';
export const en = {
  problem: {
    unauthorized: 'Missing or invalid credentials.',
    sendSecretKey: 'Send `Authorization: Bearer hub_sk_…`.',
    unknownKey: 'Unknown or revoked key.',
    sendAdminToken: 'Send `Authorization: Bearer <HUB_ADMIN_TOKEN>`.',
    tenantCreationDisabled: 'Tenant creation over HTTP is disabled: set HUB_ADMIN_TOKEN, or use `hub tenant create`.',
    notFound: 'No such resource.',
    noSuchRoute: 'No such route.',
    noSuchEvent: 'No such event.',
    noSuchDeadLetter: 'No such dead-lettered job.',
    noSuchTenant: 'No such tenant.',
    validation: 'The request does not match the schema.',
    tooLarge: 'Request bodies are limited to 256 KiB.',
    rateLimited: 'Too many requests; retry after {{seconds}} s.',
    malformedJson: 'The body is not valid JSON.',
    unsupportedMediaType: 'Send application/json.',
    badContentLength: 'Content-Length does not match the body.',
    badRequest: 'The request could not be processed.',
    internal: 'Something went wrong; the request id identifies it in the logs.',
    invalidCursor: 'The cursor is not one this API returned.',
    sendPublicKey: 'Send the tenant public key as `publicKey` or the X-Hub-Public-Key header.',
    unknownPublicKey: 'Unknown public key.',
    originRefused:
      "Origin {{origin}} is not an origin of this tenant's funnels. Add it with PUT /api/v1/funnels/{slug} (field origins).",
    webhookMalformed: '{{reason}} It was kept for an operator as {{id}}.',
    webhookUnauthenticated: 'The delivery could not be authenticated for this tenant.',
    unknownGateway: 'Unknown gateway: use {{gateways}}.',
    unavailable: 'The service is not ready; retry shortly.',
    settingsInvalid: 'The settings are not valid: {{fields}}.',
    mappingInvalid: 'The mapping is not valid: {{fields}}.',
    nameEmpty: 'The name must not be empty.',
  },
  cli: {
    tenantCreated: 'Tenant created: {{name}} ({{id}})',
    secretKeyOnce: 'Secret key (shown once, keep it safe): {{key}}',
    publicKeyForPixel: 'Public key (for the pixel):            {{key}}',
    pixelTag: 'Pixel tag for your landing pages:',
    tenantListEmpty: 'No tenants yet. Create one: npx hub tenant create --name "My Store"',
    keyRotated: 'New {{kind}} key (shown once): {{key}}',
    oldKeyValidUntil: 'The previous {{kind}} key keeps working until {{until}}.',
    oldKeyRevoked: 'The previous {{kind}} key no longer works.',
    unknownTenant: 'No tenant {{id}}. List them with: npx hub tenant list',
    replayQueued: '{{mode}} {{id}}: {{count}} events queued',
    replayProcessed: '{{mode}} {{id}}: {{count}} events queued and processed',
    replayTooOld: "{{count}} conversions are older than Meta's 7 days: the mapping in force would send them, but Meta no longer accepts them (marked not_sendable)",
    viaServer: 'running server',
    notANumber: '{{option}} expects a number of {{unit}}, got "{{value}}"',
    notATime: '--{{name}} expects an RFC 3339 time, e.g. 2026-11-29T00:00:00Z',
    databaseUnreachable:
      'cannot reach the database at {{url}} ({{reason}}). Is PostgreSQL running, and is HUB_DATABASE_URL right?',
    serverAlreadyRunning:
      'another hub is already running on the data directory {{dir}} (pid {{pid}}). Stop it first, or use its commands: npx hub tenant …',
    invalidConfig: 'invalid configuration: {{variable}}: {{message}}',
    adminChannelFailed: 'the running server did not answer the admin channel ({{reason}})',
  },
  demo: {
    title: 'Hub demo — a click and a Hotmart purchase, all the way to a local Meta sandbox',
    where: 'hub {{hub}} · Meta sandbox {{sandbox}} · embedded database in {{dir}}',
    tenant: 'tenant      {{id}} "Demo Store", Meta pixel {{pixel}} (test code {{code}}, for test events only), Hotmart connected',
    received: '✓ received by Meta sandbox: {{name}} event_id {{eventId}}, value {{value}} {{currency}}, fbc {{fbc}}, hashed {{hashed}}',
    testEvent: '✓ test event: POST /api/v1/connections/meta/test → {{result}}, {{name}} with test code {{code}} (the Purchase above went live, without it)',
    next: 'Your own hub: npm start, then npx hub tenant create --name "My Store" (README: quick start)',
    kept: 'kept the demo database in {{dir}}',
  },
  banner: {
    running: 'Hub is running on {{db}}',
    embedded: 'embedded PGlite in {{dir}}',
    postgres: 'PostgreSQL',
    url: 'URL:   {{url}}',
    docs: 'Docs:  {{url}}/docs',
    createFirstTenant: 'Create your first tenant:',
    createCommand: 'npx hub tenant create --name "My Store"',
    tenants: 'Tenants: {{count}} (list them: npx hub tenant list)',
    localUrlWarning:
      'HUB_PUBLIC_URL is not set: webhook URLs will point at {{url}}, which gateways cannot reach. Set HUB_PUBLIC_URL to your public HTTPS address (see "Deploying" in the README).',
  },
  hints: {
    localWebhookUrl:
      'This URL is local ({{url}}): Hotmart, Kiwify and Stripe cannot reach it. Set HUB_PUBLIC_URL to the hub\'s public HTTPS address and connect again.',
  },
  meta: metaEn,
  tracking: trackingEn,
  docs: docsEn,
  reconciliation: reconciliationEn,
  alerts: alertsEn,
} as const;

type Widen<T> = { [K in keyof T]: T[K] extends string ? string : Widen<T[K]> };
export type Messages = Widen<typeof en>;
