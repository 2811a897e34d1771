// Country for matching and for Meta's `country`: "lowercase, 2-letter country codes in ISO 3166-1
// alpha-2" (example "United States" -> "us"). Gateways send codes ("BR") or names in Portuguese
// or English ("Brasil", "Brazil"), so names are resolved through the runtime's CLDR data
// (Intl.DisplayNames) in the languages our sellers' buyers use.
// https://developers.facebook.com/docs/marketing-api/conversions-api/parameters/customer-information-parameters
import { getCountries } from 'libphonenumber-js';
import { foldForLookup } from './fold-text.ts';

// Aliases CLDR does not produce but people type; alpha-3 codes for the countries we see most.
const ALIASES: ReadonlyMap<string, string> = new Map([
  ['bra', 'br'],
  ['usa', 'us'],
  ['eua', 'us'],
  ['estadosunidosdaamerica', 'us'],
  ['unitedstatesofamerica', 'us'],
  ['uk', 'gb'],
  ['england', 'gb'],
  ['inglaterra', 'gb'],
  ['prt', 'pt'],
  ['arg', 'ar'],
  ['mex', 'mx'],
]);

const NAME_LANGUAGES = ['en', 'pt', 'es'];

let codes: ReadonlySet<string> | undefined;
let namesToCodes: ReadonlyMap<string, string> | undefined;

// ISO codes known to libphonenumber-js (every territory with a phone plan: all of ISO 3166-1's
// inhabited countries), lowercased.
function knownCodes(): ReadonlySet<string> {
  codes ??= new Set(getCountries().map((code) => code.toLowerCase()));
  return codes;
}

function knownNames(): ReadonlyMap<string, string> {
  if (!namesToCodes) {
    const map = new Map<string, string>();
    for (const language of NAME_LANGUAGES) {
      const names = new Intl.DisplayNames([language], { type: 'region' });
      for (const code of knownCodes()) {
        const name = names.of(code.toUpperCase());
        if (name) map.set(foldForLookup(name), code);
      }
    }
    namesToCodes = map;
  }
  return namesToCodes;
}

/** ISO 3166-1 alpha-2 in lowercase ("br"), or null when the input names no known country. */
export function normalizeCountry(raw: string | null | undefined): string | null {
  if (typeof raw !== 'string') return null;
  const folded = foldForLookup(raw);
  if (folded.length === 0) return null;
  if (folded.length === 2) return knownCodes().has(folded) ? folded : null;
  return ALIASES.get(folded) ?? knownNames().get(folded) ?? null;
}
