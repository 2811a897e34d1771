// State for matching and for Meta's `st`: "Use the 2-character ANSI abbreviation code in
// lowercase. Normalize states outside the U.S. in lowercase with no punctuation, no special
// characters, and no spaces." For Brazil the equivalent of the ANSI code is the UF ("SP"), and
// gateways send either the UF or the full name ("São Paulo"), so both map to "sp".
// https://developers.facebook.com/docs/marketing-api/conversions-api/parameters/customer-information-parameters
import { BRAZIL_STATE_CODES } from './brazil-states.ts';
import { foldForLookup } from './fold-text.ts';

const STATE_PREFIXES = ['estadode', 'estadodo', 'estadoda', 'estado']; // "Estado de São Paulo"

/** Normalized state: a BR UF for Brazilian state names, else folded lowercase; null when empty. */
export function normalizeState(raw: string | null | undefined): string | null {
  if (typeof raw !== 'string') return null;
  const folded = foldForLookup(raw).replace(/\p{N}+/gu, '');
  if (folded.length === 0) return null;
  const known = BRAZIL_STATE_CODES.get(folded);
  if (known) return known;
  for (const prefix of STATE_PREFIXES) {
    if (folded.startsWith(prefix)) {
      const withoutPrefix = BRAZIL_STATE_CODES.get(folded.slice(prefix.length));
      if (withoutPrefix) return withoutPrefix;
    }
  }
  // Two letters are already a code (BR UF, US ANSI, …); other names outside Brazil are sent in
  // Meta's "lowercase, no punctuation, no spaces" form rather than guessed into a code.
  return folded;
}
