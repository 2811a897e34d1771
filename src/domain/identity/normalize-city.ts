// City for matching and for Meta's `ct`: "Lowercase only with no punctuation, no special
// characters, and no spaces" with Roman a-z recommended (examples: paris, london, newyork).
// Brazilian cities are written with accents about half the time, so we fold them to a-z:
// "São Paulo", "Sao Paulo" and "SAO PAULO" all become "saopaulo". Letters of other scripts are
// kept (Meta accepts UTF-8), only their combining marks are dropped.
// https://developers.facebook.com/docs/marketing-api/conversions-api/parameters/customer-information-parameters
import { foldForLookup } from './fold-text.ts';

/** Normalized city, or null when nothing is left. */
export function normalizeCity(raw: string | null | undefined): string | null {
  if (typeof raw !== 'string') return null;
  // Digits are dropped as the official SDK does (utils.js normalizeCity strips [0-9\s().-]).
  const city = foldForLookup(raw).replace(/\p{N}+/gu, '');
  return city.length > 0 ? city : null;
}
