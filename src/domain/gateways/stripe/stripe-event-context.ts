// What every Stripe converter needs from the event envelope besides the object itself.
export interface StripeEventContext {
  eventType: string;
  /** event.created as RFC 3339: when Stripe recorded this state change. */
  createdAt: string;
}
