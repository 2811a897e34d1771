// What a matched conversion asks Meta to receive: the event name for its kind, the deterministic
// event_id, and the best identifiers found — from the linked click and session (fbc, fbp, IP, user
// agent, landing page) and from the buyer (e-mail, phone, names, address; hashed by the builder).
import type { NormalizedConversion } from '../gateways/types.ts';
import { metaEventNameFor } from '../meta/event-names.ts';
import type { CapiEventInput } from '../meta/types.ts';
import { knownCurrency, phoneCountryOf } from './buyer-identifiers.ts';
import { conversionEventId } from './conversion-keys.ts';
import type { MatchResult } from './types.ts';

export type CapiPlan =
  | { kind: 'send'; input: CapiEventInput }
  /** Recorded for the operator, never sent: e.g. a refund for a tenant that did not opt in. */
  | { kind: 'skip'; eventName: string; eventId: string; reason: string }
  /** This kind never becomes a Meta event (pending, cancellation, subscription changes, abandoned cart). */
  | { kind: 'none' };

export interface CapiPlanContext {
  tenantId: string;
  gateway: string;
  /** connections(kind 'meta').settings.sendRefunds */
  sendRefunds: boolean;
}

export function planConversionCapiEvent(
  conversion: NormalizedConversion,
  occurredAt: Date,
  match: MatchResult,
  context: CapiPlanContext,
): CapiPlan {
  const { kind } = conversion;
  if (kind !== 'purchase' && kind !== 'refund' && kind !== 'chargeback') return { kind: 'none' };
  const eventId = conversionEventId({ tenantId: context.tenantId, gateway: context.gateway, transactionId: conversion.transactionId, kind });
  const eventName = metaEventNameFor(kind, { sendRefundsAndChargebacks: context.sendRefunds });
  if (eventName === null) {
    return {
      kind: 'skip',
      eventName: kind === 'refund' ? 'Refund' : 'Chargeback',
      eventId,
      reason: `${kind}s are not sent to Meta unless the tenant opts in (Meta connection setting sendRefunds)`,
    };
  }
  const { buyer } = conversion;
  const session = match.session;
  const click = match.click;
  return {
    kind: 'send',
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
        value: conversion.value,
        currency: knownCurrency(conversion.currency),
        contentIds: conversion.productId ? [conversion.productId] : null,
        contentType: conversion.productId ? 'product' : null,
        orderId: conversion.orderId ?? conversion.transactionId,
        numItems: 1,
      },
    },
  };
}
