// Money arrives as a decimal string ("197.00", api-v1.md) and Meta wants custom_data.value as a
// number (SDK custom-data.js: `_value: number`, "Example: 142.54"; Pixel reference: "value —
// integer or float … must represent a monetary amount"). Number("197.10") is the double closest
// to 197.10 and JSON prints it back as 197.1, so converting the string directly is exact as far
// as the wire is concerned; doing arithmetic on cents (1971 / 10 …) is where float error comes in.

// At most 15 significant digits survive a round trip through a double unchanged.
const DECIMAL = /^(\d{1,13})(?:\.(\d{1,6}))?$/;
const MAX_SIGNIFICANT_DIGITS = 15;

/** The amount as a number, or null when the string is not a plain non-negative decimal. */
export function decimalStringToNumber(value: string): number | null {
  const match = DECIMAL.exec(value.trim());
  if (!match) return null;
  const [, whole = '', fraction = ''] = match;
  const significant = (whole.replace(/^0+/, '') + fraction.replace(/0+$/, '')).length;
  if (significant > MAX_SIGNIFICANT_DIGITS) return null;
  return Number(match[0]);
}
