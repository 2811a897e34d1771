// Browser entry for buildPixelInternals(): exposes the pixel's modules on window.__hubPixel.
import { checkoutKind, checkoutParams, decorateUrl } from '../src/checkout-links.ts';
import { findCookieScope, readCookie, writeCookie } from '../src/cookies.ts';
import { syncMetaCookies } from '../src/meta-cookies.ts';
import { loadIds } from '../src/visitor-session.ts';

const internals = { checkoutKind, checkoutParams, decorateUrl, findCookieScope, readCookie, writeCookie, syncMetaCookies, loadIds };

export type PixelInternals = typeof internals;

(window as unknown as { __hubPixel: PixelInternals }).__hubPixel = internals;
