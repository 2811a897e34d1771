// Buyer and tracking out of Stripe objects. Each object names its customer fields differently:
// Checkout Session `customer_details{email,phone,name,address}`, Charge `billing_details{…}`,
// Invoice `customer_email/customer_name/customer_phone/customer_address`, PaymentIntent
// `receipt_email` + `shipping`. Field names: stripe/openapi openapi/fixtures3.json and
// stripe-node src/resources/*.ts (protocols.md §4).
import type { JsonRecord } from '../shared/json-value.ts';
import { asRecord, asStringMap, asText, compact } from '../shared/json-value.ts';
import { countryOfInternationalPhone } from '../shared/phone-country.ts';
import { splitFullName } from '../shared/split-full-name.ts';
import type { Buyer, Tracking } from '../types.ts';

export function buyerFromContact(contact: { email?: unknown; phone?: unknown; name?: unknown; address?: unknown }): Buyer {
  const address = asRecord(contact.address) ?? {};
  const phone = asText(contact.phone);
  const country = asText(address['country'])?.toUpperCase();
  return compact({
    email: asText(contact.email),
    phone,
    phoneCountry: countryOfInternationalPhone(phone) ?? country,
    ...splitFullName(asText(contact.name)),
    city: asText(address['city']),
    state: asText(address['state']),
    zip: asText(address['postal_code']),
    country,
  });
}

export function buyerOfSession(session: JsonRecord): Buyer {
  const details = asRecord(session['customer_details']) ?? {};
  return buyerFromContact({
    email: details['email'] ?? session['customer_email'],
    phone: details['phone'],
    name: details['name'],
    address: details['address'],
  });
}

export function buyerOfPaymentIntent(intent: JsonRecord): Buyer {
  const shipping = asRecord(intent['shipping']) ?? {};
  return buyerFromContact({ email: intent['receipt_email'], phone: shipping['phone'], name: shipping['name'], address: shipping['address'] });
}

export function buyerOfCharge(charge: JsonRecord): Buyer {
  const billing = asRecord(charge['billing_details']) ?? {};
  return buyerFromContact({ ...billing, email: billing['email'] ?? charge['receipt_email'] });
}

export function buyerOfInvoice(invoice: JsonRecord): Buyer {
  return buyerFromContact({
    email: invoice['customer_email'],
    phone: invoice['customer_phone'],
    name: invoice['customer_name'],
    address: invoice['customer_address'],
  });
}

const UTM_KEYS = { source: 'utm_source', medium: 'utm_medium', campaign: 'utm_campaign', content: 'utm_content', term: 'utm_term' } as const;

/**
 * client_reference_id is the Checkout Session's pass-through id ("a unique string to reference
 * the Checkout Session … to reconcile", stripe-node src/resources/Checkout/Sessions.ts); metadata
 * is the seller's own. Sellers who put utm_* or sck into metadata get them read as tracking.
 */
export function trackingOf(object: JsonRecord): Tracking {
  const metadata = asStringMap(object['metadata']);
  const utm = compact({
    source: metadata?.[UTM_KEYS.source],
    medium: metadata?.[UTM_KEYS.medium],
    campaign: metadata?.[UTM_KEYS.campaign],
    content: metadata?.[UTM_KEYS.content],
    term: metadata?.[UTM_KEYS.term],
  });
  return compact({
    clientReferenceId: asText(object['client_reference_id']),
    sck: metadata?.['sck'],
    src: metadata?.['src'],
    utm: Object.keys(utm).length > 0 ? utm : undefined,
    metadata,
  });
}
