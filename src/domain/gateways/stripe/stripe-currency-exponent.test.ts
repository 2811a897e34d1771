// Guards Stripe minor units: a wrong exponent would misreport JPY or KWD sales by 100x or 10x.
import { describe, expect, it } from 'vitest';
import { stripeMoney } from './stripe-amount.ts';
import { stripeCurrencyExponent } from './stripe-currency-exponent.ts';

describe('stripeCurrencyExponent (https://docs.stripe.com/currencies)', () => {
  it.each([
    ['usd', 2], ['brl', 2], ['EUR', 2],
    ['jpy', 0], ['krw', 0], ['clp', 0], ['vnd', 0], ['ugx', 0], ['xof', 0],
    ['kwd', 3], ['bhd', 3], ['jod', 3], ['omr', 3], ['tnd', 3],
    ['isk', 2], ['huf', 2], ['twd', 2], // special cases: two-decimal in the API
  ])('%s -> %d', (currency, exponent) => {
    expect(stripeCurrencyExponent(currency)).toBe(exponent);
  });

  it.each([
    [1099, 'usd', { value: '10.99', currency: 'USD' }],
    [5000, 'jpy', { value: '5000', currency: 'JPY' }],
    [5124, 'kwd', { value: '5.124', currency: 'KWD' }],
    [null, 'usd', { value: null, currency: 'USD' }],
    [100, null, { value: null, currency: null }],
    [100, 'dollars', { value: null, currency: null }],
  ])('stripeMoney(%j, %j)', (amount, currency, expected) => {
    expect(stripeMoney(amount, currency)).toEqual(expected);
  });
});
