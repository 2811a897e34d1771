// The buyer's identifiers as the matcher compares them: the same normalization Meta requires
// (src/domain/identity), hashed, so a sighting stored as sha256(normalized) by the tracking side
// compares equal to the buyer of the webhook. Also the data-quality flags of a conversion.
import type { Buyer } from '../gateways/types.ts';
import { normalizeEmail, normalizePhone, sha256Hex } from '../identity/index.ts';

export interface BuyerIdentifiers {
  emailHash: string | null;
  phoneHash: string | null;
  /** Reasons the buyer is thin or malformed: written to conversions.flags. */
  flags: string[];
}

export function buyerIdentifiers(buyer: Buyer | null | undefined): BuyerIdentifiers {
  const flags: string[] = [];
  const rawEmail = nonEmpty(buyer?.email);
  const rawPhone = nonEmpty(buyer?.phone);
  const email = rawEmail === null ? null : normalizeEmail(rawEmail);
  const phone = rawPhone === null ? null : normalizePhone(rawPhone, phoneCountryOf(buyer));
  if (rawEmail !== null && email === null) flags.push('malformed_email');
  if (rawPhone !== null && phone === null) flags.push('malformed_phone');
  if (email === null && phone === null) flags.push('no_buyer_identifier');
  return { emailHash: email === null ? null : sha256Hex(email), phoneHash: phone === null ? null : sha256Hex(phone), flags };
}

/** The default country for a phone without a country code: the gateway's hint, else the buyer's country, else BR. */
export function phoneCountryOf(buyer: Buyer | null | undefined): string {
  return nonEmpty(buyer?.phoneCountry) ?? nonEmpty(buyer?.country) ?? 'BR';
}

const KNOWN_CURRENCIES: ReadonlySet<string> = new Set(Intl.supportedValuesOf('currency'));

/** Flags about money: a missing value or a currency that is not ISO 4217. */
export function moneyFlags(value: string | null, currency: string | null): string[] {
  const flags: string[] = [];
  if (currency === null || currency.trim() === '') flags.push('missing_currency');
  else if (!KNOWN_CURRENCIES.has(currency.trim().toUpperCase())) flags.push('unknown_currency');
  if (value === null || !/^-?\d+(\.\d+)?$/.test(value.trim())) flags.push('missing_value');
  return flags;
}

/** The currency as we store and send it, or null when it is not a known ISO 4217 code. */
export function knownCurrency(currency: string | null): string | null {
  if (currency === null) return null;
  const upper = currency.trim().toUpperCase();
  return KNOWN_CURRENCIES.has(upper) ? upper : null;
}

function nonEmpty(value: string | null | undefined): string | null {
  if (typeof value !== 'string') return null;
  return value.trim().length > 0 ? value : null;
}
