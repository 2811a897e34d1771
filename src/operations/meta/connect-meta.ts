// Connecting Meta: validate, check the token and pixel against the Graph API (one read, a few seconds
// at most), store the connection sealed with what the check found, answer what it found. The route
// PUT /api/v1/connections/meta calls this; what each finding means is in verification.ts and
// docs/meta-connection.md. A connection is `healthy` only when Meta confirmed it.
import { z } from 'zod';
import type { OperationContext } from '../context.ts';
import { fail, fieldErrors, ok, type Outcome } from '../outcome.ts';
import { say } from '../../i18n/index.ts';
import { DEFAULT_GRAPH_API_VERSION, readPixel } from '../../domain/meta/index.ts';
import { findTenant } from '../../store/tenants.ts';
import { upsertConnection } from '../../store/connections.ts';
import type { ConnectionHealth } from '../../store/database.ts';
import { verificationOf, type MetaVerification } from './verification.ts';

/** How long the check waits for Meta; the seller is waiting on the PUT meanwhile. */
export const META_CHECK_TIMEOUT_MS = 5_000;

export const metaConnectionInput = z.object({
  pixelId: z
    .string()
    .trim()
    .regex(/^\d{5,20}$/, 'expected the numeric pixel (dataset) id')
    .describe('The Meta pixel (dataset) id: Events Manager → Data sources → your pixel')
    .meta({ example: '1234567890123456' }),
  accessToken: z
    .string()
    .trim()
    .min(1)
    .max(2048)
    .describe('Conversions API access token (Events Manager → your pixel → Settings → Conversions API → Generate access token); stored sealed, never returned')
    .meta({ example: 'EAAGm0PX4ZCpsBAKZCZA…' }),
  testEventCode: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .nullable()
    .optional()
    .describe('Test code from Events Manager → Test events; used only by POST /api/v1/connections/meta/test, never on live events')
    .meta({ example: 'TEST12345' }),
  graphApiVersion: z
    .string()
    .regex(/^v\d{1,3}\.\d{1,2}$/, 'expected a version like v24.0')
    .optional()
    .describe(`Graph API version to call (default ${DEFAULT_GRAPH_API_VERSION})`)
    .meta({ example: 'v24.0' }),
});
export type MetaConnectionInput = z.input<typeof metaConnectionInput>;

export interface MetaConnectionSaved {
  kind: 'meta';
  /** Last characters of the token. */
  hint: string;
  /** What the connection is stored as: healthy only when Meta confirmed it. */
  health: ConnectionHealth;
  verification: MetaVerification;
}

export async function connectMetaOperation(ctx: OperationContext, tenantId: string, input: unknown): Promise<Outcome<MetaConnectionSaved>> {
  const parsed = metaConnectionInput.safeParse(input);
  if (!parsed.success) return fail('invalid', 'validation-error', 'problem.validation', undefined, fieldErrors(parsed.error.issues));
  const b = parsed.data;
  if (!(await findTenant(ctx.store.db, tenantId))) return fail('not_found', 'not-found', 'problem.noSuchTenant');

  const graphUrl = ctx.config.metaGraphUrl;
  const read = await readPixel({
    graphUrl,
    apiVersion: b.graphApiVersion ?? DEFAULT_GRAPH_API_VERSION,
    pixelId: b.pixelId,
    accessToken: b.accessToken,
    timeoutMs: META_CHECK_TIMEOUT_MS,
    ...(ctx.fetch ? { fetchImpl: ctx.fetch } : {}),
  });
  const verification = verificationOf(read, { pixelId: b.pixelId, graphUrl, timeoutMs: META_CHECK_TIMEOUT_MS });

  const conn = await upsertConnection(ctx.store.db, ctx.box, tenantId, {
    kind: 'meta',
    settings: {
      pixelId: b.pixelId,
      testEventCode: b.testEventCode ?? null,
      graphApiVersion: b.graphApiVersion ?? null,
    },
    secret: { accessToken: b.accessToken },
    hintOf: b.accessToken,
    health: verification.health,
    healthReason: healthReasonOf(verification),
  });
  ctx.logger?.info(
    { tenantId, pixelId: b.pixelId, verification: verification.status, health: conn.health, metaCode: verification.metaAnswer?.code ?? null },
    'Meta connection saved',
  );
  return ok({ kind: 'meta', hint: conn.secret_hint, health: conn.health, verification });
}

// The stored reason is read by operators and the dispatcher's logs, in English like the dispatcher's
// own reasons; the API says it in the seller's language from the message keys.
function healthReasonOf(v: MetaVerification): string | null {
  if (v.status === 'verified' || !v.reason) return null;
  const meta = v.metaAnswer?.message ? ` Meta said: ${v.metaAnswer.message}` : '';
  const trace = v.metaAnswer?.fbtraceId ? ` (fbtrace_id ${v.metaAnswer.fbtraceId})` : '';
  return `${say('en', v.reason)}${meta}${trace} ${v.fix ? say('en', v.fix) : ''}`.trim();
}
