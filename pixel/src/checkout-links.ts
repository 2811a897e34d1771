// Which links lead to a checkout, and the query parameters each checkout needs to carry the hub's
// session back in its webhook. Pure functions: no DOM.

/** stripe: Stripe Checkout / Payment Links; br: Hotmart and Kiwify; custom: the funnel's checkout hosts and those the page names. */
export type CheckoutKind = 'stripe' | 'br' | 'custom';

export function checkoutKind(host: string, extraHosts: readonly string[]): CheckoutKind | undefined {
  const within = (domain: string) => host === domain || host.endsWith('.' + domain);
  if (host === 'checkout.stripe.com' || host === 'buy.stripe.com') return 'stripe';
  // pay.hotmart.com, go.hotmart.com and the rest of *.hotmart.com; Kiwify's pay.kiwify.com.br and kiwify.app.
  if (host.endsWith('.hotmart.com') || host === 'pay.kiwify.com.br' || within('kiwify.app')) return 'br';
  if (extraHosts.some(within)) return 'custom';
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
 * The parameters to put on a link to a checkout of this kind. Stripe Payment Links read only
 * `client_reference_id` from the query; Hotmart and Kiwify pass `sck`/`src` and `utm_*` through to
 * their webhooks, and have no use for `client_reference_id`. A host the page named could be any of
 * them (e.g. a custom checkout domain), so it gets everything.
 */
export function checkoutParams(
  kind: CheckoutKind,
  decorate: Record<string, string>,
  utmParams: Record<string, string>,
): Record<string, string> {
  const params: Record<string, string> = kind === 'stripe' ? {} : Object.assign({}, utmParams);
  for (const [name, value] of Object.entries(decorate)) {
    if (kind === 'stripe' ? name === 'client_reference_id' : kind === 'custom' || name !== 'client_reference_id') {
      params[name] = value;
    }
  }
  return params;
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
