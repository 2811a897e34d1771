// Per-tenant matching settings, read from tenants.settings (jsonb). A missing or invalid value falls
// back to its default, so a typo in one setting never stops a tenant's conversions from flowing.
import { z } from 'zod';

export type AttributionModel = 'last_click' | 'first_click';

export interface MatchSettings {
  attributionModel: AttributionModel;
  /** How old a session or click may be, before the conversion, to be linked (pass-through and click choice). */
  clickWindowDays: number;
  /** How old an e-mail/phone sighting may be, before the conversion, to link by identity. */
  identityWindowDays: number;
  /** Network fingerprint matching: off unless the tenant turns it on (low confidence). */
  fingerprintMatching: boolean;
  fingerprintWindowMinutes: number;
}

export const DEFAULT_MATCH_SETTINGS: MatchSettings = {
  attributionModel: 'last_click',
  clickWindowDays: 28,
  identityWindowDays: 28,
  fingerprintMatching: false,
  fingerprintWindowMinutes: 30,
};

/** Gateway and hub clocks differ; a session up to this much "after" the purchase still counts. */
export const CLOCK_SKEW_TOLERANCE_MS = 10 * 60 * 1000;

const days = z.number().int().min(1).max(90);

const attributionSchema = z.object({
  model: z.enum(['last_click', 'first_click']).optional().catch(undefined),
  clickWindowDays: days.optional().catch(undefined),
  identityWindowDays: days.optional().catch(undefined),
  fingerprintWindowMinutes: z.number().int().min(1).max(24 * 60).optional().catch(undefined),
});

/** Reads `{ attribution: {model, clickWindowDays, identityWindowDays, fingerprintWindowMinutes}, fingerprintMatching }`. */
export function readMatchSettings(tenantSettings: unknown): MatchSettings {
  const root = isRecord(tenantSettings) ? tenantSettings : {};
  const parsed = attributionSchema.safeParse(isRecord(root.attribution) ? root.attribution : {});
  const a = parsed.success ? parsed.data : {};
  return {
    attributionModel: a.model ?? DEFAULT_MATCH_SETTINGS.attributionModel,
    clickWindowDays: a.clickWindowDays ?? DEFAULT_MATCH_SETTINGS.clickWindowDays,
    identityWindowDays: a.identityWindowDays ?? DEFAULT_MATCH_SETTINGS.identityWindowDays,
    fingerprintMatching: root.fingerprintMatching === true,
    fingerprintWindowMinutes: a.fingerprintWindowMinutes ?? DEFAULT_MATCH_SETTINGS.fingerprintWindowMinutes,
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
