// The Meta event name for each kind of conversion the hub produces. Purchase, InitiateCheckout,
// PageView and Lead are Meta standard events, and must equal the browser Pixel's event name for
// deduplication (server-event page: event_name + event_id). Refunds and chargebacks have no
// standard event; they go as custom events, and only for tenants who opt in, because a custom
// "Refund" event does not subtract anything in Meta — it only shows up as its own event.
// https://developers.facebook.com/docs/marketing-api/conversions-api/parameters/server-event

export const HUB_CONVERSION_KINDS = ['purchase', 'initiate_checkout', 'pageview', 'lead', 'refund', 'chargeback'] as const;

export type HubConversionKind = (typeof HUB_CONVERSION_KINDS)[number];

const STANDARD_EVENT_NAMES = {
  purchase: 'Purchase',
  initiate_checkout: 'InitiateCheckout',
  pageview: 'PageView',
  lead: 'Lead',
} as const satisfies Partial<Record<HubConversionKind, string>>;

const OPT_IN_CUSTOM_EVENT_NAMES = {
  refund: 'Refund',
  chargeback: 'Chargeback',
} as const satisfies Partial<Record<HubConversionKind, string>>;

export interface EventNameOptions {
  /** The tenant's opt-in to send refunds and chargebacks as custom events. */
  sendRefundsAndChargebacks: boolean;
}

/** The Meta event_name for a kind, or null when this kind is not sent for this tenant. */
export function metaEventNameFor(kind: HubConversionKind, options: EventNameOptions): string | null {
  switch (kind) {
    case 'purchase':
    case 'initiate_checkout':
    case 'pageview':
    case 'lead':
      return STANDARD_EVENT_NAMES[kind];
    case 'refund':
    case 'chargeback':
      return options.sendRefundsAndChargebacks ? OPT_IN_CUSTOM_EVENT_NAMES[kind] : null;
  }
}
