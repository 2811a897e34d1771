// Phone for matching and for Meta's `ph`: digits only, country code first, no "+", no leading
// zeros. Meta: "Remove symbols, letters, and any leading zeros. Phone numbers must include a
// country code … even if all of your data is from the same country" ((650)555-1212, US ->
// 16505551212). Meta's own libraries do not add a missing country code (capi-param-builder
// phone normalizer keeps "4792813113" as is), so a Brazilian number typed without +55 would
// never match unless we add it: that is what libphonenumber-js and the default country are for.
// https://developers.facebook.com/docs/marketing-api/conversions-api/parameters/customer-information-parameters
//
// Brazilian mobiles: the extra leading 9 became mandatory in every area code by 2016, but buyers
// still type old 8-digit numbers. We never add or remove that 9 (we cannot know which form the
// person's Meta account holds), so "(11) 9999-8888" and "(11) 99999-8888" stay different numbers.
// libphonenumber-js's default ("min") metadata validates by length and leading digits, which
// accepts both forms; the "max" metadata would reject the old 8-digit mobiles.
import { isSupportedCountry, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

/** Normalized phone ("5511999998888"), or null when it is not a valid number. */
export function normalizePhone(raw: string | null | undefined, defaultCountry = 'BR'): string | null {
  if (typeof raw !== 'string') return null;
  const text = raw.normalize('NFKC').trim();
  if (text.length === 0) return null;
  const country = supportedCountry(defaultCountry);

  // "00" is the international call prefix in much of the world (Meta: "remove any double 0 in
  // front of the country code"). Try it as international first; a Brazilian "011 9…" (trunk 0 +
  // area code) is not affected because it has a single leading zero.
  const compact = text.replace(/[\s().-]/g, '');
  if (compact.startsWith('00')) {
    const international = parsePhoneNumberFromString(`+${compact.slice(2)}`);
    if (international?.isValid()) return international.number.slice(1);
  }

  const parsed = country ? parsePhoneNumberFromString(text, country) : parsePhoneNumberFromString(text);
  if (!parsed?.isValid()) return null;
  // `number` is E.164 ("+5511999998888"): country code first, never a leading zero.
  return parsed.number.slice(1);
}

function supportedCountry(code: string): CountryCode | undefined {
  const upper = code.trim().toUpperCase();
  return isSupportedCountry(upper) ? upper : undefined;
}
