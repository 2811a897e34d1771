// Buyer and tracking out of a Hotmart `data` object. Field names: postback 2.0.0 sample
// (https://developers.hotmart.com/docs/en/2.0.0/webhook/purchase-webhook/, fixtures/README.md).
import { isIP } from 'node:net';
import { digitsOnly } from '../shared/digits-only.ts';
import type { JsonRecord } from '../shared/json-value.ts';
import { asRecord, asText, compact } from '../shared/json-value.ts';
import { splitFullName } from '../shared/split-full-name.ts';
import type { Buyer, Tracking } from '../types.ts';

export function normalizeHotmartBuyer(data: JsonRecord): Buyer {
  const buyer = asRecord(data['buyer']) ?? asRecord(asRecord(data['subscriber'])) ?? {};
  const purchase = asRecord(data['purchase']) ?? {};
  const address = asRecord(buyer['address']) ?? {};
  const checkoutCountry = asRecord(purchase['checkout_country']) ?? asRecord(data['checkout_country']) ?? {};
  const fromFullName = splitFullName(asText(buyer['name']));
  const country = asText(address['country_iso'])?.toUpperCase() ?? asText(checkoutCountry['iso'])?.toUpperCase();
  // buyer_ip sits on purchase in sales and on data in cart abandonment; test sends carry
  // "00.00.00.00", which is not an address and must not reach Meta.
  const ip = asText(purchase['buyer_ip']) ?? asText(data['buyer_ip']);
  return compact({
    email: asText(buyer['email']),
    // checkout_phone is the number typed at checkout; cart abandonment sends `phone`. What
    // checkout_phone_code holds is not documented (the test send has "999999999"), so it is not
    // glued on; the Meta normalizer uses phoneCountry to complete national numbers.
    phone: asText(buyer['checkout_phone']) ?? asText(buyer['phone']),
    phoneCountry: country,
    firstName: asText(buyer['first_name']) ?? fromFullName.firstName,
    lastName: asText(buyer['last_name']) ?? fromFullName.lastName,
    document: digitsOnly(asText(buyer['document'])),
    city: asText(address['city']),
    state: asText(address['state']),
    zip: asText(address['zipcode']),
    country,
    ip: ip !== undefined && isIP(ip) !== 0 ? ip : undefined,
  });
}

export function normalizeHotmartTracking(data: JsonRecord): Tracking {
  const purchase = asRecord(data['purchase']) ?? {};
  // Real sales carry the checkout URL's src/sck/xcod in purchase.origin [derived: protocols.md
  // §2]; test sends have no origin at all.
  const origin = asRecord(purchase['origin']) ?? {};
  const sckPaymentLink = asText(purchase['sckPaymentLink']);
  return compact({
    src: asText(origin['src']),
    sck: asText(origin['sck']),
    xcod: asText(origin['xcod']),
    metadata: sckPaymentLink !== undefined ? { sckPaymentLink } : undefined,
  });
}
