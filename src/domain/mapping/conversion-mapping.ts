// The conversion mapping: for each destination and each kind of conversion the gateways and the
// tracker produce, the event it becomes there (a standard event, a custom name, or not sent) and the
// value it carries. It is the one switch for what is sent (docs/conversions.md).
//
// Kinds use the names of the public API (`pending_payment`); the matcher's own kind for it is
// `pending` (mappingKindOf). Defaults are what a seller expects without reading anything: every first
// payment — one-off or a subscription's first charge, on any gateway — is a Purchase with what the
// buyer paid; leads are Leads; page views and checkout starts mirror the browser pixel; renewals,
// pending payments, abandoned carts, refunds and chargebacks stay off until the seller opts in.
import type { ConversionKind } from '../gateways/types.ts';

export const DESTINATIONS = ['meta'] as const;
export type DestinationName = (typeof DESTINATIONS)[number];

export const MAPPING_KINDS = [
  'purchase',
  'subscription_started',
  'subscription_renewed',
  'pending_payment',
  'abandoned_cart',
  'refund',
  'chargeback',
  'cancellation',
  'subscription_canceled',
  'subscription_past_due',
  'lead',
  'initiate_checkout',
  'pageview',
] as const;
export type MappingKind = (typeof MAPPING_KINDS)[number];

/**
 * `paid`: what the buyer paid (the gateway's amount); `net`: what the seller keeps (commission after
 * fees) where the gateway states it; `none`: no value.
 */
export const VALUE_RULES = ['paid', 'net', 'none'] as const;
export type ValueRule = (typeof VALUE_RULES)[number];

export interface MappingRule {
  /** The destination's event name, or null: not sent. */
  event: string | null;
  value: ValueRule;
}

export type DestinationMapping = Record<MappingKind, MappingRule>;
export type ConversionMapping = Record<DestinationName, DestinationMapping>;

/** Kinds that carry money from a gateway (a value rule other than `none` makes sense for them). */
export const GATEWAY_PAYMENT_KINDS: ReadonlySet<MappingKind> = new Set([
  'purchase',
  'subscription_started',
  'subscription_renewed',
  'pending_payment',
  'abandoned_cart',
  'refund',
  'chargeback',
]);

const META_DEFAULTS: DestinationMapping = {
  purchase: { event: 'Purchase', value: 'paid' },
  subscription_started: { event: 'Purchase', value: 'paid' },
  subscription_renewed: { event: null, value: 'paid' },
  pending_payment: { event: null, value: 'paid' },
  abandoned_cart: { event: null, value: 'paid' },
  refund: { event: null, value: 'paid' },
  chargeback: { event: null, value: 'paid' },
  cancellation: { event: null, value: 'none' },
  subscription_canceled: { event: null, value: 'none' },
  subscription_past_due: { event: null, value: 'none' },
  lead: { event: 'Lead', value: 'none' },
  initiate_checkout: { event: 'InitiateCheckout', value: 'paid' },
  pageview: { event: 'PageView', value: 'none' },
};

export const DEFAULT_MAPPING: ConversionMapping = { meta: META_DEFAULTS };

/** The matcher's kind → the mapping's (the API's) name for it. */
export function mappingKindOf(kind: ConversionKind | 'lead' | 'initiate_checkout' | 'pageview'): MappingKind {
  return kind === 'pending' ? 'pending_payment' : kind;
}

/** What an opt-in custom event is called when a seller turns a kind on without naming it. */
export const SUGGESTED_CUSTOM_NAMES: Partial<Record<MappingKind, string>> = {
  subscription_renewed: 'Purchase',
  refund: 'Refund',
  chargeback: 'Chargeback',
  abandoned_cart: 'AbandonedCart',
  pending_payment: 'AddPaymentInfo',
};

/**
 * The stored mapping over the defaults: a kind the seller never set keeps its default, so a kind
 * added in a later release starts with its default for everyone.
 */
export function resolveMapping(stored: Partial<Record<DestinationName, Partial<DestinationMapping>>> | null | undefined): ConversionMapping {
  const out = {} as ConversionMapping;
  for (const destination of DESTINATIONS) {
    const mine = stored?.[destination] ?? {};
    const rules = {} as DestinationMapping;
    for (const kind of MAPPING_KINDS) {
      const rule = mine[kind];
      rules[kind] = rule && isRule(rule) ? { event: rule.event, value: rule.value } : DEFAULT_MAPPING[destination][kind];
    }
    out[destination] = rules;
  }
  return out;
}

function isRule(value: unknown): value is MappingRule {
  const r = value as MappingRule;
  return (
    typeof r === 'object' &&
    r !== null &&
    (r.event === null || typeof r.event === 'string') &&
    (VALUE_RULES as readonly string[]).includes(r.value)
  );
}
