// The shapes of the hub's tracking contract (docs: /api/v1 "Tracking"), as the pixel sends and reads them.

export type TrackName = 'pageview' | 'click' | 'initiate_checkout';

export interface ClickIds {
  fbclid?: string;
  gclid?: string;
  ttclid?: string;
}

export interface Utm {
  source?: string;
  medium?: string;
  campaign?: string;
  content?: string;
  term?: string;
}

export interface Checkout {
  url: string;
  value?: string;
  currency?: string;
  contentIds?: string[];
}

export interface User {
  email?: string;
  phone?: string;
}

export interface TrackBody extends ClickIds {
  publicKey: string;
  eventId: string;
  visitorId: string;
  sessionId: string;
  url: string;
  referrer?: string;
  occurredAt?: string;
  fbp?: string;
  fbc?: string;
  utm?: Utm;
  checkout?: Checkout;
  user?: User;
}

/** What a caller of `window.hub.track` may add or override. */
export type TrackData = Partial<Pick<TrackBody, 'eventId' | 'occurredAt' | 'checkout' | 'user'>>;

/** The hub's 202 answer. */
export interface TrackResponse {
  id: string;
  eventId: string;
  visitorId: string;
  sessionId: string;
  fbc: string | null;
  decorate?: Record<string, string>;
  /** The checkout hosts of the page's funnel: links to them are decorated like data-checkout-hosts ones. */
  checkoutHosts?: string[];
}

/** `window.hub`: the page's handle on the pixel. */
export interface HubApi {
  track(name: TrackName, data?: TrackData): Promise<TrackResponse | undefined>;
  identify(user: User): void;
}

declare global {
  interface Window {
    hub?: HubApi;
    fbq?: (...args: unknown[]) => void;
  }
}
