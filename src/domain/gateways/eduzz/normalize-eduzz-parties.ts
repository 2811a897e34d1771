// Buyer and tracking out of an Eduzz invoice (`data` of a myeduzz.invoice_* event). Published fields
// (events/myeduzz/invoice_paid.md): buyer.{name, email, phone, phone2, cellphone} and utm.{source,
// campaign, content, medium}. The Developer Hub's reference adds buyer.document, buyer.address.{city,
// state, country, zipCode}, utm.term and tracker.{code1, code2, code3} [derived: the reference as
// transcribed by public integrations; fixtures/README.md]. Eduzz sends no buyer IP.
import { digitsOnly } from '../shared/digits-only.ts';
import type { JsonRecord } from '../shared/json-value.ts';
import { asRecord, asText, compact } from '../shared/json-value.ts';
import { countryOfInternationalPhone } from '../shared/phone-country.ts';
import { splitFullName } from '../shared/split-full-name.ts';
import type { Buyer, Tracking } from '../types.ts';

export function normalizeEduzzBuyer(invoice: JsonRecord): Buyer {
  const buyer = asRecord(invoice['buyer']) ?? {};
  const address = asRecord(buyer['address']) ?? {};
  const { firstName, lastName } = splitFullName(asText(buyer['name']));
  // The mobile first: it is the number a buyer reads messages on, and the one Meta most likely knows.
  const phone = asText(buyer['cellphone']) ?? asText(buyer['phone']) ?? asText(buyer['phone2']);
  const country = asText(address['country'])?.toUpperCase();
  const isoCountry = country !== undefined && /^[A-Z]{2}$/.test(country) ? country : undefined;
  return compact({
    email: asText(buyer['email']),
    phone,
    phoneCountry: countryOfInternationalPhone(phone) ?? isoCountry,
    firstName,
    lastName,
    document: digitsOnly(asText(buyer['document'])),
    city: asText(address['city']),
    state: asText(address['state']),
    zip: asText(address['zipCode']),
    country: isoCountry,
  });
}

/**
 * The checkout link's `trk` comes back as tracker.code1 (code2, code3 for the other two slots) [derived:
 * public integrations; the legacy webhook names the same slots tracker_trk, tracker_trk2, tracker_trk3,
 * eduzz/webhook campos-fatura.md]. The pixel puts the hub's session there (pixel/src/checkout-links.ts),
 * and the matcher finds it in metadata.trk.
 */
export function normalizeEduzzTracking(invoice: JsonRecord): Tracking {
  const utmIn = asRecord(invoice['utm']) ?? {};
  const tracker = asRecord(invoice['tracker']) ?? {};
  const utm = compact({
    source: asText(utmIn['source']),
    medium: asText(utmIn['medium']),
    campaign: asText(utmIn['campaign']),
    content: asText(utmIn['content']),
    term: asText(utmIn['term']),
  });
  const slots = compact({ trk: asText(tracker['code1']), trk2: asText(tracker['code2']), trk3: asText(tracker['code3']) });
  return compact({
    utm: Object.keys(utm).length > 0 ? utm : undefined,
    metadata: Object.keys(slots).length > 0 ? (slots as Record<string, string>) : undefined,
  });
}
