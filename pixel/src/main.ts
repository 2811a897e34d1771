// The pixel's entry point: runs once per page load.
//   1. read the landing URL; write _fbc/_fbp and the hub's visitor/session cookies;
//   2. POST a click (when the URL has an ad click id), then a pageview; mirror PageView to fbq;
//   3. decorate checkout links with the parameters the hub answers, and report initiate_checkout
//      when the visitor follows one.
import { parseHostList } from './checkout-links.ts';
import { findCookieScope } from './cookies.ts';
import { fireFbq } from './fbq-bridge.ts';
import { clickKey, readLandingParams } from './landing-params.ts';
import { createLinkDecorator } from './link-decoration.ts';
import { syncMetaCookies } from './meta-cookies.ts';
import { newId } from './random-id.ts';
import { findOwnScript, hubBaseUrl } from './script-config.ts';
import { createTracker } from './tracker.ts';
import { loadIds } from './visitor-session.ts';

function start(): void {
  const script = findOwnScript();
  const publicKey = script?.getAttribute('data-key');
  if (!script || !publicKey || window.hub) return; // not configured, or loaded twice
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
  window.hub = { track: tracker.track, identify: tracker.identify };
  decorator.start((url) => void tracker.send('initiate_checkout', { checkout: { url } }, true));

  // The browser PageView goes out now; its server copy (same event id) follows the click, so both
  // requests carry the session the hub settled on for the click.
  const pageviewId = newId();
  fireFbq(fbqEnabled, 'PageView', pageviewId);
  const click = currentClick ? tracker.send('click') : Promise.resolve(undefined);
  void click.then(() => tracker.send('pageview', { eventId: pageviewId }, false, false));
}

try {
  start();
} catch {
  // Never let tracking break the page.
}
