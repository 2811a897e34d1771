// What a matched conversion asks Meta to receive: the event name for its kind, the deterministic
// event_id, and the best identifiers found — from the linked click and session (fbc, fbp, IP, user
// agent, landing page) and from the buyer (e-mail, phone, names, address; hashed by the builder).
import type { NormalizedConversion } from '../gateways/types.ts';
import { SUGGESTED_CUSTOM_NAMES, mappingKindOf, type MappingKind, type MappingRule } from '../mapping/conversion-mapping.ts';
import type { CapiEventInput } from '../meta/types.ts';
import { knownCurrency, phoneCountryOf } from './buyer-identifiers.ts';
import { conversionEventId } from './conversion-keys.ts';
import type { MatchResult } from './types.ts';

export type CapiPlan =
  | { kind: 'send'; input: CapiEventInput; rule: MappingRule }
  /** Recorded for the operator, never sent: the mapping turns this kind off (the story says so). */
  | { kind: 'skip'; eventName: string; eventId: string; reason: string };

export interface CapiPlanContext {
  tenantId: string;
  gateway: string;
  /** The tenant's mapping rule for this conversion's kind at Meta (domain/mapping). */
  rule: MappingRule;
}

/** The name a skipped kind is recorded under: what it would be called if the seller turned it on. */
function skippedName(kind: MappingKind): string {
  return SUGGESTED_CUSTOM_NAMES[kind] ?? kind.replace(/(^|_)(\w)/g, (_m, _s, c: string) => c.toUpperCase());
}

export function planConversionCapiEvent(
  conversion: NormalizedConversion,
  occurredAt: Date,
  match: MatchResult,
  context: CapiPlanContext,
): CapiPlan {
  const { kind } = conversion;
  const eventId = conversionEventId({ tenantId: context.tenantId, gateway: context.gateway, transactionId: conversion.transactionId, kind });
  const mappingKind = mappingKindOf(kind);
  const { rule } = context;
  if (rule.event === null) {
    return {
      kind: 'skip',
      eventName: skippedName(mappingKind),
      eventId,
      reason: `not sent: the conversion mapping sends no Meta event for ${mappingKind} (change it with PUT /api/v1/mapping, then replay)`,
    };
  }
  const eventName = rule.event;
  const value = rule.value === 'none' ? null : rule.value === 'net' ? (conversion.netValue ?? null) : conversion.value;
  const { buyer } = conversion;
  const session = match.session;
  const click = match.click;
  return {
    kind: 'send',
    rule,
    input: {
      eventName,
      eventTime: occurredAt,
      eventId,
      eventSourceUrl: session?.landingUrl ?? click?.url ?? null,
      user: {
        email: buyer.email ?? null,
        phone: buyer.phone ?? null,
        phoneCountry: phoneCountryOf(buyer),
        firstName: buyer.firstName ?? null,
        lastName: buyer.lastName ?? null,
        city: buyer.city ?? null,
        state: buyer.state ?? null,
        zip: buyer.zip ?? null,
        country: buyer.country ?? null,
        externalId: match.visitorId,
        // The click's network context is the ad's; the buyer's own IP (from the gateway) is the fallback.
        clientIpAddress: click?.clientIp ?? session?.clientIp ?? buyer.ip ?? null,
        clientUserAgent: click?.userAgent ?? session?.userAgent ?? null,
        fbc: click?.fbc ?? session?.fbc ?? null,
        fbp: session?.fbp ?? click?.fbp ?? null,
      },
      custom: {
        value,
        currency: value === null ? null : knownCurrency(conversion.currency),
        contentIds: conversion.productId ? [conversion.productId] : null,
        contentType: conversion.productId ? 'product' : null,
        orderId: conversion.orderId ?? conversion.transactionId,
        numItems: 1,
      },
    },
  };
}
