// The pixel's entry point: runs once per page load.
//   1. read the landing URL; write _fbc/_fbp and the hub's visitor/session cookies;
//   2. POST a click (when the URL has an ad click id), then a pageview; mirror PageView to fbq;
//   3. decorate checkout links with the parameters the hub answers, and report initiate_checkout
//      when the visitor follows one;
//   4. expose window.hub (callable: hub('lead', {email, phone})), run the commands the page queued
//      before the pixel loaded, and send a lead when a <form data-hub-lead> is submitted.
import { parseHostList } from './checkout-links.ts';
import { findCookieScope } from './cookies.ts';
import { fireFbq } from './fbq-bridge.ts';
import { clickKey, readLandingParams } from './landing-params.ts';
import { watchLeadForms } from './lead-forms.ts';
import { createLinkDecorator } from './link-decoration.ts';
import { syncMetaCookies } from './meta-cookies.ts';
import { newId } from './random-id.ts';
import { findOwnScript, hubBaseUrl } from './script-config.ts';
import { createTracker } from './tracker.ts';
import type { HubApi, HubStub } from './types.ts';
import { loadIds } from './visitor-session.ts';

function start(): void {
  const script = findOwnScript();
  const publicKey = script?.getAttribute('data-key');
  // The page's queueing stub is a function without track(); a pixel already running has track(), and
  // anything else named hub is someone else's, left alone.
  const stub = window.hub as HubApi | HubStub | undefined;
  if (!script || !publicKey || (stub && (typeof stub !== 'function' || 'track' in stub))) return; // not configured, loaded twice, or taken
  const fbqEnabled = script.getAttribute('data-fbq') !== 'off';
  const landing = readLandingParams(location.search);
  const scope = findCookieScope(location.hostname);
  const metaCookies = syncMetaCookies(scope, landing.clickIds.fbclid, Date.now());
  const currentClick = clickKey(landing.clickIds);
  const decorator = createLinkDecorator(parseHostList(script.getAttribute('data-checkout-hosts')), landing.utmParams);
  const tracker = createTracker({
    hubBaseUrl: hubBaseUrl(script.src),
    publicKey,
    fbqEnabled,
    cookieDomain: scope.domain,
    landing,
    metaCookies,
    ids: loadIds(currentClick),
    decorator,
  });
  // Object.assign, not spread: see tracker.ts.
  const hub = Object.assign(
    (command: string, data?: object) =>
      command === 'identify' ? tracker.identify(data || {}) : command === 'lead' ? tracker.lead(data || {}) : tracker.track(command as never, data),
    { track: tracker.track, identify: tracker.identify, lead: tracker.lead },
  ) as HubApi;
  window.hub = hub;
  decorator.start((url) => void tracker.send('initiate_checkout', { checkout: { url } }, true));
  watchLeadForms(tracker.lead);

  // The browser PageView goes out now; its server copy (same event id) follows the click, so both
  // requests carry the session the hub settled on for the click.
  const pageviewId = newId();
  fireFbq(fbqEnabled, 'PageView', pageviewId);
  const click = currentClick ? tracker.send('click') : Promise.resolve(undefined);
  void click.then(() => {
    void tracker.send('pageview', { eventId: pageviewId }, false, false);
    // Queued commands go out after the click, in the session the hub settled on for it.
    const queued = (stub && stub.q) || [];
    for (let i = 0; i < queued.length; i++) {
      try {
        hub(...(queued[i] as [never, never]));
      } catch {
        // One bad command must not stop the others.
      }
    }
  });
}

try {
  start();
} catch {
  // Never let tracking break the page.
}
