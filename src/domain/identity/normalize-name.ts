// First and last names for matching and for Meta's `fn`/`ln`: "Lowercase only with no
// punctuation. If using special characters, the text must be encoded in UTF-8" — accents stay
// (Meta: "Valéry" -> "valéry"; "정" kept). NFC first, because a decomposed "é" hashes differently.
// Spaces go too ("Maria Clara" -> "mariaclara"), as Meta's capi-param-builder name normalizer
// strips whitespace along with punctuation (protocols.md §1.4).
// https://developers.facebook.com/docs/marketing-api/conversions-api/parameters/customer-information-parameters
import { keepLettersAndDigits, lowerNfc } from './fold-text.ts';

/** Normalized first or last name, or null when nothing is left. */
export function normalizeName(raw: string | null | undefined): string | null {
  if (typeof raw !== 'string') return null;
  // Digits are not part of a name; removing them keeps "João2" from hashing as a distinct name.
  const name = keepLettersAndDigits(lowerNfc(raw)).replace(/\p{N}+/gu, '');
  return name.length > 0 ? name : null;
}
