// Stripe amounts are integers in the currency's minor unit, and Stripe's idea of the minor unit
// is not always ISO 4217's. Source: https://docs.stripe.com/currencies ("Zero-decimal
// currencies", "Three-decimal currencies", "Special cases"); the zero-decimal list as copied in
// many integrations, e.g. gist baptisteArno/d8e93b8be05bb670966b1e37fbf49104.

// "For zero-decimal currencies, still provide amounts as an integer but without multiplying by 100."
const ZERO_DECIMAL = new Set(['BIF', 'CLP', 'DJF', 'GNF', 'JPY', 'KMF', 'KRW', 'MGA', 'PYG', 'RWF', 'UGX', 'VND', 'VUV', 'XAF', 'XOF', 'XPF']);

// "Three-decimal currencies: BHD, JOD, KWD, OMR, TND" (amount 5124 = 5.124 KWD).
const THREE_DECIMAL = new Set(['BHD', 'JOD', 'KWD', 'OMR', 'TND']);

// Special cases ISK, HUF, TWD: Stripe still represents them as two-decimal in the API (amounts
// must be divisible by 100), so the default exponent 2 is right for reading webhook amounts.

export function stripeCurrencyExponent(currency: string): number {
  const code = currency.toUpperCase();
  if (ZERO_DECIMAL.has(code)) return 0;
  if (THREE_DECIMAL.has(code)) return 3;
  return 2;
}
