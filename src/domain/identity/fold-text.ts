// Shared text folding for the location fields. Meta asks for city and state "lowercase only with
// no punctuation, no special characters, and no spaces", recommending Roman a-z; names, by
// contrast, keep their accents (Meta's own example: "Valéry" -> "valéry"), so names do not use
// removeDiacritics.
// https://developers.facebook.com/docs/marketing-api/conversions-api/parameters/customer-information-parameters

/** NFC, trimmed, lowercased without locale rules (so "I" never becomes a dotless "ı"). */
export function lowerNfc(raw: string): string {
  return raw.normalize('NFC').trim().toLowerCase();
}

/** "São Paulo" -> "Sao Paulo": decompose, drop combining marks, recompose. */
export function removeDiacritics(value: string): string {
  return value.normalize('NFD').replace(/\p{M}+/gu, '').normalize('NFC');
}

/** Keeps letters and digits of any script; drops spaces, punctuation and symbols. */
export function keepLettersAndDigits(value: string): string {
  return value.replace(/[^\p{L}\p{N}]+/gu, '');
}

/** Lowercase, no accents, letters and digits only: the key used to look names up in tables. */
export function foldForLookup(raw: string): string {
  return keepLettersAndDigits(removeDiacritics(lowerNfc(raw)));
}
