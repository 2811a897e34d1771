// "+5511999998888" -> 'BR'. Only international (E.164-style) numbers are trusted; national
// numbers say nothing about the country without a hint, and the hint is the caller's to give.
import { parsePhoneNumberFromString } from 'libphonenumber-js';

export function countryOfInternationalPhone(phone: string | undefined): string | undefined {
  if (phone === undefined || !phone.trim().startsWith('+')) return undefined;
  try {
    return parsePhoneNumberFromString(phone.trim())?.country;
  } catch {
    return undefined;
  }
}
