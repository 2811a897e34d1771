// Money as decimal strings. Floats are never multiplied or divided: minor units are shifted as
// digits, and major-unit numbers are rendered from their shortest round-trip representation.

/** 19700 with exponent 2 -> "197.00"; 500 JPY with exponent 0 -> "500"; 1234 KWD (3) -> "1.234". */
export function minorUnitsToDecimal(amount: number, exponent: number): string | null {
  if (!Number.isSafeInteger(amount) || !Number.isInteger(exponent) || exponent < 0 || exponent > 4) return null;
  const sign = amount < 0 ? '-' : '';
  const digits = String(Math.abs(amount)).padStart(exponent + 1, '0');
  if (exponent === 0) return sign + digits;
  return `${sign}${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}

/** 1500 -> "1500.00", 149.5 -> "149.50", 19.999 -> "19.999" (never rounds away precision). */
export function majorUnitsToDecimal(amount: number, minFractionDigits = 2): string | null {
  if (!Number.isFinite(amount) || Math.abs(amount) >= 1e15) return null;
  // String() gives the shortest representation that round-trips; below 1e21 it has no exponent
  // except for tiny magnitudes (e.g. 1e-7), which are not money.
  const text = String(amount);
  if (/e/i.test(text)) return null;
  const [whole = '0', fraction = ''] = text.split('.');
  return `${whole}.${fraction.padEnd(minFractionDigits, '0')}`;
}
