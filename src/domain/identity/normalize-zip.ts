// Postal code for matching and for Meta's `zp`: "Use lowercase with no spaces and no dash. Use
// only the first 5 digits for U.S. zip codes. Use the area, district, and sector format for the
// UK" (examples 94035, 1987, 75018, m11ae).
// https://developers.facebook.com/docs/marketing-api/conversions-api/parameters/customer-information-parameters
//
// A Brazilian CEP is 8 digits, written "01310-100"; all 8 are the code, so we only drop the dash.
// (The official SDK keeps the part before a "-", a US ZIP+4 rule that would cut a CEP to
// "01310", a different and much broader value: utils.js normalizeZip.)
import { normalizeCountry } from './normalize-country.ts';

const CEP = /^\d{5}-?\d{3}$/;
const US_ZIP_PLUS_4 = /^\d{5}-\d{4}$/;

/** Normalized postal code, or null when it cannot be one (country optional, code or name). */
export function normalizeZip(raw: string | null | undefined, country?: string | null): string | null {
  if (typeof raw !== 'string') return null;
  const compact = raw.normalize('NFKC').trim().toLowerCase().replace(/\s+/g, '');
  if (compact.length === 0) return null;
  const countryCode = country ? normalizeCountry(country) : null;

  if (countryCode === 'br' || (countryCode === null && CEP.test(compact))) {
    const digits = compact.replace(/\D/g, '');
    return digits.length === 8 ? digits : null;
  }
  if (countryCode === 'us' || (countryCode === null && US_ZIP_PLUS_4.test(compact))) {
    const digits = compact.replace(/\D/g, '');
    return digits.length === 5 || digits.length === 9 ? digits.slice(0, 5) : null;
  }
  const code = compact.replace(/[^\p{L}\p{N}]+/gu, '');
  // Shorter than 2 characters is not a postal code anywhere (the SDK drops it too).
  return code.length >= 2 ? code : null;
}
