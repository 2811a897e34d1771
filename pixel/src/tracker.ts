// Builds tracking events and sends them: the body per the contract, the Meta Pixel copy with the same
// event id, and adoption of what the hub answers (its ids, the checkout link parameters).
import { readCookie } from './cookies.ts';
import { fireFbq } from './fbq-bridge.ts';
import type { LandingParams } from './landing-params.ts';
import type { LinkDecorator } from './link-decoration.ts';
import type { MetaCookies } from './meta-cookies.ts';
import { newId } from './random-id.ts';
import { beaconEvent, postEvent } from './transport.ts';
import type { HubMethods, TrackData, TrackName, TrackResponse, User } from './types.ts';
import { adoptIds, saveIds, type Ids } from './visitor-session.ts';

export interface TrackerOptions {
  hubBaseUrl: string;
  publicKey: string;
  fbqEnabled: boolean;
  cookieDomain: string | undefined;
  landing: LandingParams;
  metaCookies: MetaCookies;
  ids: Ids;
  decorator: LinkDecorator;
}

export interface Tracker extends HubMethods {
  /** `beacon`: the page is being left, don't wait for an answer. `pixel`: also fire the fbq copy. */
  send(name: TrackName, data?: TrackData, beacon?: boolean, pixel?: boolean): Promise<TrackResponse | undefined>;
}

const PIXEL_EVENTS = { pageview: 'PageView', initiate_checkout: 'InitiateCheckout', lead: 'Lead' } as const;
const TRACK_NAMES: readonly string[] = ['pageview', 'click', 'initiate_checkout', 'lead'];

export function createTracker(options: TrackerOptions): Tracker {
  const { ids, landing, metaCookies } = options;
  // identify() keeps the buyer's e-mail/phone in memory only (never in storage: it is personal data)
  // and sends it with the events that follow — the hub matches purchases on it.
  let user: User | undefined;

  function send(name: TrackName, data: TrackData = {}, beacon = false, pixel = true) {
    if (TRACK_NAMES.indexOf(name) < 0) return Promise.resolve(undefined);
    const eventId = data.eventId || newId();
    const url = options.hubBaseUrl + '/api/v1/track/' + name;
    // Object.assign, not object spread: spread is ES2018 and would pull esbuild's helpers into the bundle.
    const body = Object.assign(
      {
        publicKey: options.publicKey,
        visitorId: ids.visitorId,
        sessionId: ids.sessionId,
        url: location.href,
        referrer: document.referrer || undefined,
      },
      landing.clickIds,
      {
        // The cookies may have been refreshed by the page's own Meta Pixel since we loaded.
        fbp: readCookie('_fbp') || metaCookies.fbp,
        fbc: readCookie('_fbc') || metaCookies.fbc,
        utm: landing.utm,
        user,
      },
      data,
      { eventId },
    );
    // The hub refuses a lead without an e-mail or phone: not sent, and no browser Lead either.
    if (name === 'lead' && !(body.user && (filled(body.user.email) || filled(body.user.phone)))) return Promise.resolve(undefined);
    saveIds(ids, options.cookieDomain); // every event slides the 30-minute session window
    const pixelEvent = name === 'click' ? undefined : PIXEL_EVENTS[name];
    if (pixel && pixelEvent) fireFbq(options.fbqEnabled, pixelEvent, eventId);
    if (beacon) {
      beaconEvent(url, body);
      return Promise.resolve(undefined);
    }
    return postEvent(url, body).then((answer) => {
      if (answer) {
        adoptIds(ids, answer);
        saveIds(ids, options.cookieDomain);
        options.decorator.update(answer.decorate, answer.checkoutHosts);
      }
      return answer;
    });
  }

  function identify(identity: User) {
    user = Object.assign({}, user, identity);
  }

  return {
    send,
    track: (name, data) => send(name, data),
    identify,
    // A lead's e-mail/phone also goes with the page's later events (a checkout after a sign-up form).
    lead(data) {
      const identity: User = {};
      if (data && filled(data.email)) identity.email = data.email;
      if (data && filled(data.phone)) identity.phone = data.phone;
      // Without its own e-mail or phone it is no lead (not even with an earlier identity): nothing is sent.
      if (!identity.email && !identity.phone) return Promise.resolve(undefined);
      identify(identity);
      return send('lead', data.eventId ? { eventId: data.eventId } : {});
    },
  };
}

/** A value the page gave that is not blank (pages pass whatever their form fields hold). */
function filled(value: unknown): boolean {
  return value != null && String(value).trim() !== '';
}
