// fbc: Meta's click cookie, `fb.{subdomainIndex}.{creationTime ms}.{fbclid}` (optionally a 5th "appendix"
// segment written by capi-param-builder). When a request carries an fbclid but no fbc (no cookie, or a
// cookie of an older click), the hub builds one as Meta asks for server-generated values: subdomain
// index 1 and the time the click was first seen, in milliseconds. The fbclid is case-sensitive and goes
// in exactly as received. https://developers.facebook.com/docs/marketing-api/conversions-api/parameters/fbp-and-fbc
export type FbcSource = 'client' | 'derived';

export interface ResolvedFbc {
  fbc: string | null;
  source: FbcSource | null;
}

const FBC_SHAPE = /^fb\.\d{1,2}\.\d{10,16}\.[^.\s]+(?:\.[^.\s]+)?$/;

export function deriveFbc(fbclid: string, firstSeenMs: number): string {
  return `fb.1.${Math.trunc(firstSeenMs)}.${fbclid}`;
}

/** The fbclid inside an fbc value (its 4th dot-separated segment). */
export function fbclidOfFbc(fbc: string): string | undefined {
  return fbc.split('.')[3];
}

export function looksLikeFbc(value: string): boolean {
  return FBC_SHAPE.test(value);
}

/**
 * The client's fbc when it is well formed and belongs to the current click; otherwise one derived from
 * the fbclid (a stale fbc from an earlier click would credit the wrong ad); otherwise none.
 */
export function resolveFbc(input: { fbc?: string | null; fbclid?: string | null; firstSeenMs: number }): ResolvedFbc {
  const given = input.fbc && looksLikeFbc(input.fbc) ? input.fbc : null;
  const fbclid = input.fbclid || null;
  if (given && (!fbclid || fbclidOfFbc(given) === fbclid)) return { fbc: given, source: 'client' };
  if (fbclid) return { fbc: deriveFbc(fbclid, input.firstSeenMs), source: 'derived' };
  return { fbc: null, source: null };
}
