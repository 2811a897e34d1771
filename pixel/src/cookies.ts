// First-party cookies, written on the site's registrable domain so every subdomain of the landing
// site (www., lp., checkout.) shares the same visitor, session, _fbp and _fbc.
import { randomHex } from './random-id.ts';

export interface CookieScope {
  /** The Domain attribute to write with; undefined = host-only (localhost, IP addresses). */
  domain?: string;
  /**
   * Meta's subdomainIndex for _fbp/_fbc: "which domain the cookie is defined on ('com' = 0,
   * 'example.com' = 1, 'www.example.com' = 2)", i.e. the number of dots in that domain.
   * https://developers.facebook.com/docs/marketing-api/conversions-api/parameters/fbp-and-fbc
   */
  subdomainIndex: number;
}

export function readCookie(name: string): string | undefined {
  for (const pair of document.cookie.split(/; */)) {
    const eq = pair.indexOf('=');
    if (pair.slice(0, eq) === name) return pair.slice(eq + 1);
  }
  return undefined;
}

export function writeCookie(name: string, value: string, maxAgeSeconds: number, domain?: string): void {
  document.cookie =
    name + '=' + value + '; max-age=' + maxAgeSeconds + '; path=/; SameSite=Lax' +
    (domain ? '; domain=' + domain : '') +
    (location.protocol === 'https:' ? '; Secure' : '');
}

/**
 * Finds the registrable domain the usual way, without a public-suffix list: try a throwaway cookie
 * on ever longer suffixes of the host (`br`? no — `com.br`? refused, a public suffix — `example.com.br`:
 * it sticks). The browser refuses cookies on public suffixes, so the first suffix that sticks is the
 * registrable domain, including private suffixes such as github.io that a short list would miss.
 */
export function findCookieScope(hostname: string): CookieScope {
  const labels = hostname.split('.');
  // IP addresses (v4 dotted, v6 bracketed) and single-label hosts (localhost) take no Domain attribute.
  if (labels.length > 1 && !/^[\d.]+$|:/.test(hostname)) {
    const probe = '_hub_probe';
    const marker = randomHex(8);
    for (let n = 2; n <= labels.length; n++) {
      const domain = labels.slice(-n).join('.');
      writeCookie(probe, marker, 10, domain);
      if (readCookie(probe) === marker) {
        writeCookie(probe, '', 0, domain);
        return { domain, subdomainIndex: n - 1 };
      }
    }
  }
  return { subdomainIndex: labels.length - 1 };
}
