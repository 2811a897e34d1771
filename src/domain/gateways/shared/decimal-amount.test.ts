// Guards money formatting: cents and decimals must become exact decimal strings, never float noise.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { majorUnitsToDecimal, minorUnitsToDecimal } from './decimal-amount.ts';

describe('minorUnitsToDecimal', () => {
  it.each([
    [19700, 2, '197.00'],
    [5298, 2, '52.98'],
    [5, 2, '0.05'],
    [0, 2, '0.00'],
    [-1099, 2, '-10.99'],
    [5000, 0, '5000'], // JPY
    [5124, 3, '5.124'], // KWD
    [7, 3, '0.007'],
    [1.5, 2, null], // not an integer
    [2 ** 60, 2, null], // not a safe integer
  ])('%d with exponent %d -> %s', (amount, exponent, expected) => {
    expect(minorUnitsToDecimal(amount, exponent)).toBe(expected);
  });

  it('removing the point gives the integer back', () => {
    fc.assert(fc.property(fc.maxSafeInteger(), fc.integer({ min: 0, max: 4 }), (amount, exponent) => {
      const text = minorUnitsToDecimal(amount, exponent)!;
      expect(BigInt(text.replace('.', ''))).toBe(BigInt(amount));
      expect(text.split('.')[1]?.length ?? 0).toBe(exponent);
    }));
  });
});

describe('majorUnitsToDecimal', () => {
  it.each([
    [1500, '1500.00'],
    [149.5, '149.50'],
    [64.9, '64.90'],
    [197, '197.00'],
    [19.999, '19.999'],
    [0.1 + 0.2, '0.30000000000000004'], // not rounded away: what Hotmart sent is what is kept
    [Number.NaN, null],
    [1e21, null],
  ])('%d -> %s', (amount, expected) => {
    expect(majorUnitsToDecimal(amount)).toBe(expected);
  });

  it('round-trips through Number', () => {
    fc.assert(fc.property(fc.double({ min: -1e12, max: 1e12, noNaN: true }).filter((n) => Math.abs(n) >= 1e-6 || n === 0), (amount) => {
      const text = majorUnitsToDecimal(amount);
      if (text !== null) expect(Number(text)).toBe(amount === 0 ? 0 : amount);
    }));
  });
});
