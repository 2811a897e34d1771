// Builds tracking events and sends them: the body per the contract, the Meta Pixel copy with the same
// event id, and adoption of what the hub answers (its ids, the checkout link parameters).
import { readCookie } from './cookies.ts';
import { fireFbq } from './fbq-bridge.ts';
import type { LandingParams } from './landing-params.ts';
import type { LinkDecorator } from './link-decoration.ts';
import type { MetaCookies } from './meta-cookies.ts';
import { newId } from './random-id.ts';
import { beaconEvent, postEvent } from './transport.ts';
import type { HubApi, TrackData, TrackName, TrackResponse, User } from './types.ts';
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

export interface Tracker extends HubApi {
  /** `beacon`: the page is being left, don't wait for an answer. `pixel`: also fire the fbq copy. */
  send(name: TrackName, data?: TrackData, beacon?: boolean, pixel?: boolean): Promise<TrackResponse | undefined>;
}

const PIXEL_EVENTS = { pageview: 'PageView', initiate_checkout: 'InitiateCheckout' } as const;
const TRACK_NAMES: readonly string[] = ['pageview', 'click', 'initiate_checkout'];

export function createTracker(options: TrackerOptions): Tracker {
  const { ids, landing, metaCookies } = options;
  // identify() keeps the buyer's e-mail/phone in memory only (never in storage: it is personal data)
  // and sends it with the events that follow — the hub matches purchases on it.
  let user: User | undefined;

  function send(name: TrackName, data: TrackData = {}, beacon = false, pixel = true) {
    if (TRACK_NAMES.indexOf(name) < 0) return Promise.resolve(undefined);
    const eventId = data.eventId || newId();
    saveIds(ids, options.cookieDomain); // every event slides the 30-minute session window
    const pixelEvent = name === 'click' ? undefined : PIXEL_EVENTS[name];
    if (pixel && pixelEvent) fireFbq(options.fbqEnabled, pixelEvent, eventId);
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

  return {
    send,
    track: (name, data) => send(name, data),
    identify(identity) {
      user = Object.assign({}, user, identity);
    },
  };
}
