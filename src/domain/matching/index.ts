// Matching: link a conversion to the visitor's click and session (docs/matching.md), dedupe keys,
// and what a matched conversion sends to Meta.
export type { ClickRecord, IdentitySighting, MatchEvidence, MatchLookups, MatchMethod, MatchResult, SessionRecord, TimeRange } from './types.ts';
export { DEFAULT_MATCH_SETTINGS, CLOCK_SKEW_TOLERANCE_MS, readMatchSettings, type AttributionModel, type MatchSettings } from './match-settings.ts';
export { findPassthroughTokens, type PassthroughToken } from './passthrough-token.ts';
export { buyerIdentifiers, knownCurrency, moneyFlags, phoneCountryOf, type BuyerIdentifiers } from './buyer-identifiers.ts';
export { FOLLOW_UP_KINDS, conversionDedupeKey, conversionEventId, deliveryDedupeKey, type ConversionIdentity } from './conversion-keys.ts';
export {
  CONFIDENCE,
  chooseByAuthority,
  chooseIdentitySighting,
  matchConversion,
  pickByModel,
  rangeBefore,
  type ConversionToMatch,
  type MatchDecision,
  type MatchOptions,
} from './match-conversion.ts';
export { planConversionCapiEvent, type CapiPlan, type CapiPlanContext } from './conversion-capi-input.ts';
