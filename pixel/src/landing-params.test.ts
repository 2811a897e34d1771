// Risk: the click id or utm tags are altered or lost on the way from the landing URL to the hub.
import { describe, expect, it } from 'vitest';
import { clickKey, readLandingParams } from './landing-params.ts';

describe('readLandingParams', () => {
  it('reads click ids exactly as given (case kept) and utm tags', () => {
    const p = readLandingParams('?fbclid=IwAR2F4-dbP0l7Mn1_Iaw&gclid=Cj0K&utm_source=fb&utm_medium=cpc&utm_term=a%20b&x=1');
    expect(p.clickIds).toEqual({ fbclid: 'IwAR2F4-dbP0l7Mn1_Iaw', gclid: 'Cj0K' });
    expect(p.utm).toEqual({ source: 'fb', medium: 'cpc', term: 'a b' });
    expect(p.utmParams).toEqual({ utm_source: 'fb', utm_medium: 'cpc', utm_term: 'a b' });
  });
  it('has no utm and no click ids on a plain URL; empty values count as absent', () => {
    expect(readLandingParams('?fbclid=&utm_source=')).toEqual({ clickIds: {}, utm: undefined, utmParams: {} });
  });
});

describe('clickKey', () => {
  it('is empty without a click id, stable for the same ids, different for another click', () => {
    expect(clickKey({})).toBe('');
    expect(clickKey({ fbclid: 'A' })).toBe(clickKey({ fbclid: 'A' }));
    expect(clickKey({ fbclid: 'A' })).not.toBe(clickKey({ fbclid: 'a' }));
    expect(clickKey({ fbclid: 'A' })).not.toBe(clickKey({ gclid: 'A' }));
  });
});
