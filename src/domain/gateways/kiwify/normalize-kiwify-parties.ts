// Buyer and tracking out of a Kiwify order (capitalised `Customer`, `TrackingParameters` are the
// real key names, protocols.md §3) or a cart-abandonment body (flat name/email/phone/cpf).
import { isIP } from 'node:net';
import { digitsOnly } from '../shared/digits-only.ts';
import type { JsonRecord } from '../shared/json-value.ts';
import { asRecord, asText, compact } from '../shared/json-value.ts';
import { countryOfInternationalPhone } from '../shared/phone-country.ts';
import { splitFullName } from '../shared/split-full-name.ts';
import type { Buyer, Tracking } from '../types.ts';

export function normalizeKiwifyBuyer(customer: JsonRecord): Buyer {
  const fullName = asText(customer['full_name']) ?? asText(customer['name']);
  const split = splitFullName(fullName);
  const givenFirst = asText(customer['first_name']);
  // Kiwify gives full_name and first_name; the last name is what follows the first name.
  const lastName = givenFirst !== undefined && fullName?.startsWith(givenFirst)
    ? asText(fullName.slice(givenFirst.length))
    : split.lastName;
  // Mobile comes international ("+5511999998888"); its prefix names the country.
  const phone = asText(customer['mobile']) ?? asText(customer['phone']);
  const country = asText(customer['country'])?.toUpperCase();
  const ip = asText(customer['ip']);
  return compact({
    email: asText(customer['email']),
    phone,
    phoneCountry: countryOfInternationalPhone(phone) ?? country,
    firstName: givenFirst ?? split.firstName,
    lastName,
    document: digitsOnly(asText(customer['CPF']) ?? asText(customer['cpf']) ?? asText(customer['cnpj'])),
    city: asText(customer['city']),
    state: asText(customer['state']),
    zip: asText(customer['zipcode']),
    country: country !== undefined && /^[A-Z]{2}$/.test(country) ? country : undefined,
    ip: ip !== undefined && isIP(ip) !== 0 ? ip : undefined,
  });
}

export function normalizeKiwifyTracking(order: JsonRecord): Tracking {
  const params = asRecord(order['TrackingParameters']) ?? {};
  const utm = compact({
    source: asText(params['utm_source']),
    medium: asText(params['utm_medium']),
    campaign: asText(params['utm_campaign']),
    content: asText(params['utm_content']),
    term: asText(params['utm_term']),
  });
  // s1..s3 are free-form pass-through slots some sellers use for their own ids.
  const extra = compact({ s1: asText(params['s1']), s2: asText(params['s2']), s3: asText(params['s3']) });
  return compact({
    src: asText(params['src']),
    sck: asText(params['sck']),
    utm: Object.keys(utm).length > 0 ? utm : undefined,
    metadata: Object.keys(extra).length > 0 ? (extra as Record<string, string>) : undefined,
  });
}

/** The sck carried in a cart's checkout link, the only tracking an abandoned cart has. */
export function trackingFromCheckoutLink(link: string | undefined): Tracking {
  if (link === undefined || !URL.canParse(link)) return {};
  const params = new URL(link).searchParams;
  const get = (name: string): string | undefined => asText(params.get(name));
  const utm = compact({ source: get('utm_source'), medium: get('utm_medium'), campaign: get('utm_campaign'), content: get('utm_content'), term: get('utm_term') });
  return compact({ src: get('src'), sck: get('sck'), utm: Object.keys(utm).length > 0 ? utm : undefined });
}
