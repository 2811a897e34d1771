// GET|PATCH /api/v1/tenant/settings: the tenant's matching settings (docs/matching.md), its alert
// webhook (docs/operations.md, "Tenant alerts") and its tracking rate limits (docs/operations.md,
// "Tracking rate limits"). PATCH is a JSON merge patch (RFC 7396): fields left
// out keep their value, `null` puts a field back to its default.
// Values are validated strictly here, so what the matcher reads (readMatchSettings) and the tracking API
// reads (readTenantTrackingRateLimits) is always valid.
import { z } from 'zod';
import type { OperationContext } from '../context.ts';
import { fail, fieldErrors, ok, type Outcome } from '../outcome.ts';
import { findTenant, updateTenantSettings } from '../../store/tenants.ts';
import { readMatchSettings } from '../../domain/matching/match-settings.ts';
import {
  TRACKING_RATE_LIMIT_BOUNDS,
  defaultTrackingRateLimits,
  effectiveTrackingRateLimits,
  readTenantTrackingRateLimits,
  type TrackingRateLimits,
} from '../../domain/tracking/index.ts';
import { isAllowedAlertWebhookUrl, readAlertWebhookUrl } from '../../domain/alerts/index.ts';

const days = z.number().int().min(1).max(90);
const perMinute = (bounds: { min: number; max: number }) => z.number().int().min(bounds.min).max(bounds.max).nullable().optional();
const { perIpPerMinute: ipBounds, tenantPerMinute: tenantBounds } = TRACKING_RATE_LIMIT_BOUNDS;

export const tenantSettingsPatch = z.object({
  attribution: z
    .object({
      model: z
        .enum(['last_click', 'first_click'])
        .nullable()
        .optional()
        .meta({ description: 'Which click a sale is credited to when the buyer clicked several ads (null: the default, last_click)' }),
      clickWindowDays: days
        .nullable()
        .optional()
        .meta({ description: 'How old a click or session may be, in days (1-90), to be linked to a sale', examples: [7] }),
      identityWindowDays: days
        .nullable()
        .optional()
        .meta({ description: 'How old an e-mail or phone sighting may be, in days (1-90), to link a sale by identity', examples: [28] }),
      fingerprintWindowMinutes: z
        .number()
        .int()
        .min(1)
        .max(24 * 60)
        .nullable()
        .optional()
        .meta({ description: 'How recent a visit from the same IP and user agent must be, in minutes (1-1440)', examples: [30] }),
    })
    .nullable()
    .optional()
    .meta({ description: 'Attribution rules (docs/matching.md); null restores every default' }),
  fingerprintMatching: z
    .boolean()
    .nullable()
    .optional()
    .meta({ description: 'Link by network fingerprint (same IP and user agent) when nothing stronger matches; low confidence' }),
  alertWebhookUrl: z
    .string()
    .max(2000)
    .refine(isAllowedAlertWebhookUrl, 'expected an https URL (http only for localhost)')
    .nullable()
    .optional()
    .meta({
      description: "Where this tenant's alerts are posted (JSON with a Slack-compatible `text`; docs/operations.md, \"Tenant alerts\"): https, or http to localhost only; null falls back to the server's HUB_ALERT_WEBHOOK_URL",
      examples: ['https://hooks.slack.com/services/T0000/B0000/XXXXXXXX'],
    }),
  rateLimits: z
    .object({
      perIpPerMinute: perMinute(ipBounds).meta({
        description: `Tracking requests one address may send to this tenant per minute (${ipBounds.min}-${ipBounds.max}); more are refused with 429, for that address only. null: the server's HUB_RATE_LIMIT_PER_MINUTE`,
        examples: [600],
      }),
      tenantPerMinute: perMinute(tenantBounds).meta({
        description: `Tracking requests this tenant takes per minute from all addresses together (${tenantBounds.min}-${tenantBounds.max}): a ceiling against floods, to be set above the busiest launch. null: 30,000 (or HUB_RATE_LIMIT_PER_MINUTE if higher)`,
        examples: [30_000],
      }),
    })
    .nullable()
    .optional()
    .meta({ description: 'Tracking API rate limits (docs/operations.md, "Tracking rate limits"); applied within seconds; null restores both defaults' }),
});
export type TenantSettingsPatch = z.input<typeof tenantSettingsPatch>;

export interface TenantSettingsView {
  attribution: { model: 'last_click' | 'first_click'; clickWindowDays: number; identityWindowDays: number; fingerprintWindowMinutes: number };
  fingerprintMatching: boolean;
  alertWebhookUrl: string | null;
  /** The limits in force: the tenant's own values, else the server's defaults. */
  rateLimits: TrackingRateLimits;
}

/** `perAddressPerMinute`: the server's HUB_RATE_LIMIT_PER_MINUTE (config.rateLimitPerMinute). */
export function presentSettings(stored: unknown, perAddressPerMinute: number): TenantSettingsView {
  const s = readMatchSettings(stored);
  return {
    attribution: {
      model: s.attributionModel,
      clickWindowDays: s.clickWindowDays,
      identityWindowDays: s.identityWindowDays,
      fingerprintWindowMinutes: s.fingerprintWindowMinutes,
    },
    fingerprintMatching: s.fingerprintMatching,
    alertWebhookUrl: readAlertWebhookUrl(stored),
    rateLimits: effectiveTrackingRateLimits(readTenantTrackingRateLimits(stored), defaultTrackingRateLimits(perAddressPerMinute)),
  };
}

export async function getTenantSettingsOperation(ctx: OperationContext, tenantId: string): Promise<Outcome<TenantSettingsView>> {
  const tenant = await findTenant(ctx.store.db, tenantId);
  if (!tenant) return fail('not_found', 'not-found', 'problem.noSuchTenant');
  return ok(presentSettings(tenant.settings, ctx.config.rateLimitPerMinute));
}

export async function patchTenantSettingsOperation(
  ctx: OperationContext,
  tenantId: string,
  patch: unknown,
): Promise<Outcome<TenantSettingsView>> {
  const parsed = tenantSettingsPatch.safeParse(patch);
  if (!parsed.success) {
    const errors = fieldErrors(parsed.error.issues) ?? [];
    return fail('invalid', 'validation-error', 'problem.settingsInvalid', { fields: errors.map((e) => e.path).join(', ') }, errors);
  }
  const tenant = await findTenant(ctx.store.db, tenantId);
  if (!tenant) return fail('not_found', 'not-found', 'problem.noSuchTenant');
  const next = mergePatch(tenant.settings, parsed.data) as Record<string, unknown>;
  await updateTenantSettings(ctx.store.db, tenantId, next);
  return ok(presentSettings(next, ctx.config.rateLimitPerMinute));
}

/** RFC 7396 JSON merge patch. Keys of the stored settings that the patch does not name are kept. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isRecord(patch)) return patch;
  const out: Record<string, unknown> = isRecord(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key], value);
  }
  return out;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
