// Stripe integer minor units + lower-case currency -> decimal string + ISO upper-case.
import { minorUnitsToDecimal } from '../shared/decimal-amount.ts';
import { asFiniteNumber, asText } from '../shared/json-value.ts';
import { stripeCurrencyExponent } from './stripe-currency-exponent.ts';

export function stripeMoney(amount: unknown, currency: unknown): { value: string | null; currency: string | null } {
  const code = asText(currency)?.toUpperCase();
  const minor = asFiniteNumber(amount);
  if (code === undefined || !/^[A-Z]{3}$/.test(code)) return { value: null, currency: null };
  return { value: minor === undefined ? null : minorUnitsToDecimal(minor, stripeCurrencyExponent(code)), currency: code };
}
