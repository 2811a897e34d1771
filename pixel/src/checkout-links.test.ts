// Risk: a checkout link loses the seller's own parameters or fragment, or carries the wrong
// pass-through parameter for its gateway — and the purchase can no longer be traced to the click.
import { describe, expect, it } from 'vitest';
import { CHECKOUT_RULES, checkoutKind, checkoutParams, decorateUrl, parseHostList } from './checkout-links.ts';
import { gatewayNames } from '../../src/domain/gateways/gateway-registry.ts';

describe('checkoutKind', () => {
  it.each([
    ['pay.hotmart.com', 'hotmart'],
    ['go.hotmart.com', 'hotmart'],
    ['pay.kiwify.com.br', 'kiwify'],
    ['kiwify.app', 'kiwify'],
    ['checkout.kiwify.app', 'kiwify'],
    ['checkout.stripe.com', 'stripe'],
    ['buy.stripe.com', 'stripe'],
    ['chk.eduzz.com', 'eduzz'],
    ['sun.eduzz.com', 'eduzz'],
    ['eduzz.com', undefined],
    ['www.eduzz.com', undefined],
    ['chk.eduzz.com.evil.net', undefined],
    ['pay.acme.com', 'custom'],
    ['checkout.pay.acme.com', 'custom'],
    ['hotmart.com.evil.net', undefined],
    ['nothotmart.com', undefined],
    ['kiwify.com.br', undefined],
    ['stripe.com', undefined],
    ['example.org', undefined],
  ])('%s → %s', (host, kind) => {
    expect(checkoutKind(host, ['pay.acme.com'])).toBe(kind);
  });
});

describe('parseHostList', () => {
  it('splits, trims, lower-cases and drops wildcard prefixes', () => {
    expect(parseHostList(' Pay.Acme.com, *.b.com ,.c.com,,')).toEqual(['pay.acme.com', 'b.com', 'c.com']);
    expect(parseHostList(null)).toEqual([]);
  });
  it('reads the hub\'s checkoutHosts answer the same way', () => {
    expect(parseHostList(['pay.example-checkout.com', '*.Shop.com'])).toEqual(['pay.example-checkout.com', 'shop.com']);
    expect(parseHostList([])).toEqual([]);
    expect(parseHostList(undefined)).toEqual([]);
  });
});

describe('checkoutParams', () => {
  const decorate = { sck: 'hub_sid_1', src: 'hub', client_reference_id: 'sid_1' };
  const utm = { utm_source: 'fb', utm_campaign: 'launch' };
  it.each([
    ['stripe', { client_reference_id: 'sid_1' }],
    ['hotmart', { utm_source: 'fb', utm_campaign: 'launch', sck: 'hub_sid_1', src: 'hub' }],
    ['kiwify', { utm_source: 'fb', utm_campaign: 'launch', sck: 'hub_sid_1', src: 'hub' }],
    ['custom', { utm_source: 'fb', utm_campaign: 'launch', sck: 'hub_sid_1', src: 'hub', client_reference_id: 'sid_1' }],
  ] as const)('%s', (kind, expected) => {
    expect(checkoutParams(kind, decorate, utm)).toEqual(expected);
  });

  it("eduzz carries the session as trk (tracker.code1 in its webhook) with the utm_*, and nothing it would not read", () => {
    expect(checkoutParams('eduzz', decorate, utm)).toEqual({ utm_source: 'fb', utm_campaign: 'launch', trk: 'hub_sid_1' });
    expect(checkoutParams('eduzz', {}, utm)).toEqual(utm);
  });

  it('every registered gateway has its rule (null: no checkout links of its own)', () => {
    expect(Object.keys(CHECKOUT_RULES).sort()).toEqual([...gatewayNames].sort());
  });
});

describe('decorateUrl', () => {
  const none = new Set<string>();
  it.each([
    ['adds to a bare URL', 'https://pay.hotmart.com/X123', { sck: 's1' }, none, 'https://pay.hotmart.com/X123?sck=s1'],
    ['adds trk to an Eduzz checkout', 'https://chk.eduzz.com/D0RAEKJ19Y?utm_source=x', { trk: 's1' }, none, 'https://chk.eduzz.com/D0RAEKJ19Y?utm_source=x&trk=s1'],
    [
      'keeps existing parameters byte for byte, and the fragment',
      'https://pay.hotmart.com/X123?off=ab%20c&back=https://x.com/a?b#pay',
      { sck: 's1' },
      none,
      'https://pay.hotmart.com/X123?off=ab%20c&back=https://x.com/a?b&sck=s1#pay',
    ],
    ['leaves a parameter the seller set', 'https://pay.kiwify.com.br/Ab?sck=seller', { sck: 's1' }, none, 'https://pay.kiwify.com.br/Ab?sck=seller'],
    [
      'replaces a value it wrote itself',
      'https://pay.kiwify.com.br/Ab?a=1&sck=old&b=2',
      { sck: 'new' },
      new Set(['sck=old']),
      'https://pay.kiwify.com.br/Ab?a=1&b=2&sck=new',
    ],
    ['does nothing when already there', 'https://buy.stripe.com/t?client_reference_id=s1', { client_reference_id: 's1' }, none, 'https://buy.stripe.com/t?client_reference_id=s1'],
    ['encodes values', 'https://buy.stripe.com/t', { client_reference_id: 'a b&c' }, none, 'https://buy.stripe.com/t?client_reference_id=a%20b%26c'],
    ['keeps a valueless parameter', 'https://pay.hotmart.com/X?flag#f', { src: 'hub' }, none, 'https://pay.hotmart.com/X?flag&src=hub#f'],
  ])('%s', (_label, href, params, owned, expected) => {
    expect(decorateUrl(href, params, owned)).toBe(expected);
  });
});
