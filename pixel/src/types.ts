// The shapes of the hub's tracking contract (docs: /api/v1 "Tracking"), as the pixel sends and reads them.

export type TrackName = 'pageview' | 'click' | 'initiate_checkout' | 'lead';

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

/** What `hub('lead', …)` takes: the e-mail and/or phone the visitor left, and optionally the event id. */
export interface LeadData extends User {
  eventId?: string;
}

/** `window.hub`: the page's handle on the pixel. */
export interface HubMethods {
  track(name: TrackName, data?: TrackData): Promise<TrackResponse | undefined>;
  identify(user: User): void;
  /** Sends a lead (e-mail and/or phone required; without both nothing is sent) and remembers the identity. */
  lead(data: LeadData): Promise<TrackResponse | undefined>;
}

/** `hub('lead', {email, phone})`, `hub('identify', user)`, `hub('pageview')`: the methods as commands. */
export interface HubApi extends HubMethods {
  (command: 'lead', data: LeadData): Promise<TrackResponse | undefined>;
  (command: 'identify', user: User): void;
  (command: TrackName, data?: TrackData): Promise<TrackResponse | undefined>;
}

/**
 * What the page may define before the pixel loads (pixel/README.md):
 * `window.hub = window.hub || function () { (hub.q = hub.q || []).push(arguments); };`
 * The pixel runs the queued commands once it has started.
 */
export interface HubStub {
  (...args: unknown[]): void;
  q?: Iterable<unknown>[];
}

declare global {
  interface Window {
    hub?: HubApi;
    fbq?: (...args: unknown[]) => void;
  }
}
