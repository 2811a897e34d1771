// What the landing URL says about where the visitor came from: ad click ids and utm_* tags.
import type { ClickIds, Utm } from './types.ts';

const CLICK_ID_NAMES = ['fbclid', 'gclid', 'ttclid'] as const;
const UTM_NAMES = ['source', 'medium', 'campaign', 'content', 'term'] as const;

export interface LandingParams {
  clickIds: ClickIds;
  utm?: Utm;
  /** The same utm tags as query parameters (`utm_source` → value), to carry onto checkout links. */
  utmParams: Record<string, string>;
}

export function readLandingParams(search: string): LandingParams {
  // URLSearchParams decodes once, which is what Meta asks: the fbclid exactly as the ad put it in the
  // URL, never re-decoded or re-cased (fbp-and-fbc page, "ClickID value is case sensitive").
  const query = new URLSearchParams(search);
  const clickIds: ClickIds = {};
  for (const name of CLICK_ID_NAMES) {
    const value = query.get(name);
    if (value) clickIds[name] = value;
  }
  let utm: Utm | undefined;
  const utmParams: Record<string, string> = {};
  for (const name of UTM_NAMES) {
    const value = query.get('utm_' + name);
    if (value) {
      (utm ??= {})[name] = value;
      utmParams['utm_' + name] = value;
    }
  }
  return { clickIds, utm, utmParams };
}

/**
 * A short fingerprint of the click ids in the URL, '' when there are none. The session cookie keeps
 * the last one seen: a different one means a new ad click, and a new click starts a new session.
 * (A hash, not the ids: fbclids run to hundreds of characters and the cookie is sent on every request.)
 */
export function clickKey(clickIds: ClickIds): string {
  const joined = CLICK_ID_NAMES.map((name) => clickIds[name] ?? '').join('|');
  if (joined === '||') return '';
  let hash = 0;
  for (let i = 0; i < joined.length; i++) hash = (hash * 31 + joined.charCodeAt(i)) | 0;
  return (hash >>> 0).toString(36);
}
