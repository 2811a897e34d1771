// Meta's first-party cookies, written the way the Meta Pixel writes them, so the hub has fbc/fbp even
// when the seller's page runs no Meta Pixel (or an ad blocker stops it).
// Formats (https://developers.facebook.com/docs/marketing-api/conversions-api/parameters/fbp-and-fbc):
//   _fbp = fb.{subdomainIndex}.{creationTime}.{random number}   e.g. fb.1.1596403881668.1116446470
//   _fbc = fb.{subdomainIndex}.{creationTime}.{fbclid}          e.g. fb.1.1554763741205.IwAR2F4-dbP0l7…
// creationTime is Unix time in milliseconds; the fbclid goes in exactly as it came in the URL.
import { readCookie, writeCookie, type CookieScope } from './cookies.ts';
import { randomTenDigits } from './random-id.ts';

/** 90 days, the lifetime Meta's own pixel and capi-param-builder give these cookies. */
const META_COOKIE_MAX_AGE = 90 * 24 * 3600;

export interface MetaCookies {
  fbp: string;
  fbc?: string;
}

export function syncMetaCookies(scope: CookieScope, fbclid: string | undefined, now: number): MetaCookies {
  const prefix = 'fb.' + scope.subdomainIndex + '.';
  let fbc = readCookie('_fbc');
  // A new ad click replaces the old click id: keeping an older _fbc would credit the earlier ad.
  // Segment 3 is the fbclid; cookies from capi-param-builder carry a 5th "appendix" segment after it.
  if (fbclid && fbc?.split('.')[3] !== fbclid) fbc = prefix + now + '.' + fbclid;
  const fbp = readCookie('_fbp') || prefix + now + '.' + randomTenDigits();
  // Write new values, and re-write existing ones to slide their 90 days as Meta's own param builder
  // does — but only those defined on our domain (same subdomainIndex), or we would add a second
  // cookie next to one that another script set on another level of the domain.
  for (const [name, value] of [['_fbc', fbc], ['_fbp', fbp]]) {
    if (value?.indexOf(prefix) === 0) writeCookie(name as string, value, META_COOKIE_MAX_AGE, scope.domain);
  }
  return { fbp, fbc };
}
