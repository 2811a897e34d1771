// Which links lead to a checkout, and the query parameters each checkout needs to carry the hub's
// session back in its webhook. Pure functions: no DOM. One rule per registered gateway: the mapped
// type makes a gateway without its rule a compile error (a gateway with no checkout links of its own
// says so with `null`).
import type { GatewayName } from '../../src/domain/gateways/types.ts';

/** A gateway's checkout, or `custom`: the funnel's checkout hosts and those the page names. */
export type CheckoutKind = GatewayName | 'custom';

type Params = Record<string, string>;

interface CheckoutRule {
  /** Hosts of its checkout pages: `a.com` that host, `*.a.com` its subdomains. */
  hosts: readonly string[];
  /** From the hub's parameters (`sck` and `client_reference_id`, both the session) and the landing page's utm_*. */
  params(decorate: Params, utm: Params): Params;
}

/** Everything the hub answers except Stripe's parameter, and the landing page's utm_*. */
const sckAndUtm = (decorate: Params, utm: Params): Params => {
  const params = Object.assign({}, utm, decorate);
  delete params.client_reference_id;
  return params;
};

export const CHECKOUT_RULES: { readonly [G in GatewayName]: CheckoutRule | null } = {
  // pay.hotmart.com, go.hotmart.com and the rest of *.hotmart.com; `sck`/`src` and utm_* reach the
  // webhook (purchase.origin).
  hotmart: { hosts: ['*.hotmart.com'], params: sckAndUtm },
  // pay.kiwify.com.br and kiwify.app; `sck`/`src` and utm_* reach the webhook (TrackingParameters).
  kiwify: { hosts: ['pay.kiwify.com.br', 'kiwify.app', '*.kiwify.app'], params: sckAndUtm },
  // Stripe Checkout and Payment Links read only `client_reference_id` from the query.
  stripe: { hosts: ['checkout.stripe.com', 'buy.stripe.com'], params: (decorate) => pick(decorate, 'client_reference_id') },
  // Eduzz's checkout (chk.eduzz.com; sun.eduzz.com in older links) hands `trk` back as tracker.code1
  // and utm_* as utm (src/domain/gateways/eduzz/normalize-eduzz-parties.ts).
  eduzz: {
    hosts: ['chk.eduzz.com', 'sun.eduzz.com'],
    params: (decorate, utm) => (decorate.sck ? Object.assign({}, utm, { trk: decorate.sck }) : Object.assign({}, utm)),
  },
};

function pick(params: Params, name: string): Params {
  return params[name] ? { [name]: params[name] } : {};
}

function matches(host: string, pattern: string): boolean {
  return pattern.startsWith('*.') ? host.endsWith(pattern.slice(1)) : host === pattern;
}

export function checkoutKind(host: string, extraHosts: readonly string[]): CheckoutKind | undefined {
  for (const [gateway, rule] of Object.entries(CHECKOUT_RULES) as Array<[GatewayName, CheckoutRule | null]>) {
    if (rule?.hosts.some((pattern) => matches(host, pattern))) return gateway;
  }
  if (extraHosts.some((domain) => host === domain || host.endsWith('.' + domain))) return 'custom';
  return undefined;
}

/**
 * `data-checkout-hosts="a.com, *.b.com"`, or the hub's `checkoutHosts` answer ['a.com', '*.b.com'],
 * → ['a.com', 'b.com'] (a host also covers its subdomains).
 */
export function parseHostList(list: string | readonly unknown[] | null | undefined): string[] {
  return (Array.isArray(list) ? list.join(',') : (list as string | null | undefined) || '')
    .split(',')
    .map((host) => host.trim().toLowerCase().replace(/^\*?\./, ''))
    .filter(Boolean);
}

/**
 * The parameters to put on a link to a checkout of this kind: the gateway's rule. A host the page named
 * could be any checkout (e.g. a custom checkout domain), so it gets everything the hub answered.
 */
export function checkoutParams(kind: CheckoutKind, decorate: Params, utmParams: Params): Params {
  const rule = kind === 'custom' ? null : CHECKOUT_RULES[kind];
  return rule ? rule.params(decorate, utmParams) : Object.assign({}, utmParams, decorate);
}

/**
 * Adds `params` to the URL's query. Existing parameters are kept byte for byte (so is the #fragment);
 * a parameter already on the link is left alone unless its value is one we wrote ourselves earlier
 * (`owned` holds `name=value` pairs), which we replace — the hub may answer with a newer session.
 */
export function decorateUrl(href: string, params: Record<string, string>, owned: ReadonlySet<string>): string {
  const url = new URL(href);
  const current = new URLSearchParams(url.search);
  let pieces = url.search.slice(1).split('&').filter(Boolean);
  for (const [name, value] of Object.entries(params)) {
    const existing = current.get(name);
    if (existing === value) continue;
    if (existing !== null) {
      if (!owned.has(name + '=' + existing)) continue;
      pieces = pieces.filter((piece) => !new URLSearchParams(piece).has(name));
    }
    pieces.push(encodeURIComponent(name) + '=' + encodeURIComponent(value));
  }
  url.search = pieces.join('&');
  return url.href;
}
