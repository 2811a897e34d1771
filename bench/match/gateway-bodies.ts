// Webhook bodies for the synthetic funnel, built from the gateway modules' own fixtures (the vendors'
// published samples) with the sale's fields filled in — so the bench feeds the real parsers the
// shapes they meet in production.
import { readFileSync } from 'node:fs';
import type { GatewayName } from '../../src/domain/gateways/types.ts';

/** Every registered gateway: webhookBody's switch must build each one's bodies. */
export type BenchGateway = GatewayName;

export interface SaleFacts {
  transactionId: string;
  deliveryId: string;
  occurredAt: Date;
  email: string | null;
  phone: string | null;
  firstName: string;
  lastName: string;
  city: string;
  state: string;
  zip: string;
  ip: string;
  value: string; // "197.00"
  currency: string; // "BRL"
  productId: string;
  /** The pass-through id as the checkout link carried it (null: lost or never decorated). */
  sck: string | null;
}

export type SaleEvent = 'purchase' | 'purchase_again' | 'refund';

function fixture(gateway: BenchGateway, name: string): Record<string, unknown> {
  const url = new URL(`../../src/domain/gateways/${gateway}/fixtures/${name}.json`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as Record<string, unknown>;
}

const templates = {
  hotmart: { purchase: fixture('hotmart', 'purchase-approved-with-origin'), refund: fixture('hotmart', 'purchase-refunded') },
  kiwify: { purchase: fixture('kiwify', 'order-approved-tracked'), refund: fixture('kiwify', 'order-refunded') },
  stripe: {
    purchase: fixture('stripe', 'checkout-session-completed-paid'),
    again: fixture('stripe', 'payment-intent-succeeded'),
    refund: fixture('stripe', 'charge-refunded'),
  },
  eduzz: { purchase: fixture('eduzz', 'invoice-paid-tracked'), refund: fixture('eduzz', 'invoice-refunded') },
};

const clone = <T>(v: T): T => structuredClone(v);

/** The body of one delivery; `purchase_again` is the gateway's second event for the same payment. */
export function webhookBody(gateway: BenchGateway, event: SaleEvent, sale: SaleFacts): Record<string, unknown> {
  switch (gateway) {
    case 'hotmart':
      return hotmart(event, sale);
    case 'kiwify':
      return kiwify(event, sale);
    case 'stripe':
      return stripe(event, sale);
    case 'eduzz':
      return eduzz(event, sale);
  }
}

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function hotmart(event: SaleEvent, s: SaleFacts): Obj {
  const body: Obj = clone(event === 'refund' ? templates.hotmart.refund : templates.hotmart.purchase);
  body.id = s.deliveryId;
  body.creation_date = s.occurredAt.getTime();
  body.event = event === 'refund' ? 'PURCHASE_REFUNDED' : event === 'purchase_again' ? 'PURCHASE_COMPLETE' : 'PURCHASE_APPROVED';
  const d = body.data as Obj;
  d.product = { ...(d.product as Obj), id: Number(s.productId.replace(/\D/g, '')) || 1, name: 'Curso' };
  d.buyer = {
    email: s.email,
    name: `${s.firstName} ${s.lastName}`,
    first_name: s.firstName,
    last_name: s.lastName,
    checkout_phone: s.phone,
    address: { city: s.city, state: s.state, zipcode: s.zip, country: 'Brasil', country_iso: 'BR' },
    document: '69526128664',
    document_type: 'CPF',
  };
  const p = (d.purchase ?? {}) as Obj;
  d.purchase = {
    ...p,
    approved_date: s.occurredAt.getTime(),
    order_date: s.occurredAt.getTime() - 60_000,
    full_price: { value: Number(s.value), currency_value: s.currency },
    price: { value: Number(s.value), currency_value: s.currency },
    original_offer_price: { value: Number(s.value), currency_value: s.currency },
    status: event === 'refund' ? 'REFUNDED' : event === 'purchase_again' ? 'COMPLETE' : 'APPROVED',
    transaction: s.transactionId,
    order_bump: { is_order_bump: false },
    origin: s.sck ? { src: 'fb_ads', sck: s.sck, xcod: null } : { src: 'fb_ads' },
    buyer_ip: s.ip,
  };
  return body;
}

/** "YYYY-MM-DD HH:mm" in America/Sao_Paulo (UTC−3, no daylight saving since 2019), as Kiwify writes it. */
function kiwifyTime(d: Date): string {
  return new Date(d.getTime() - 3 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
}

function kiwify(event: SaleEvent, s: SaleFacts): Obj {
  const body: Obj = clone(event === 'refund' ? templates.kiwify.refund : templates.kiwify.purchase);
  const cents = Math.round(Number(s.value) * 100);
  body.order_id = s.transactionId;
  body.order_status = event === 'refund' ? 'refunded' : 'paid';
  body.webhook_event_type = event === 'refund' ? 'order_refunded' : 'order_approved';
  body.product_type = 'product';
  body.created_at = kiwifyTime(new Date(s.occurredAt.getTime() - 60_000));
  body.updated_at = kiwifyTime(s.occurredAt);
  body.approved_date = kiwifyTime(s.occurredAt);
  body.refunded_at = event === 'refund' ? kiwifyTime(s.occurredAt) : null;
  body.Product = { product_id: s.productId, product_name: 'Curso' };
  body.Customer = {
    ...(body.Customer as Obj),
    full_name: `${s.firstName} ${s.lastName}`,
    first_name: s.firstName,
    email: s.email,
    mobile: s.phone,
    ip: s.ip,
    city: s.city,
    state: s.state,
    zipcode: s.zip,
  };
  body.Commissions = { ...(body.Commissions as Obj), charge_amount: cents, product_base_price: cents, product_base_price_currency: s.currency, currency: s.currency };
  body.TrackingParameters = { src: 'fb_ads', sck: s.sck, utm_source: 'facebook', utm_medium: 'paid', utm_campaign: 'bench', utm_content: null, utm_term: null };
  delete body.Subscription;
  delete body.subscription_id;
  return body;
}

function stripe(event: SaleEvent, s: SaleFacts): Obj {
  const unix = Math.floor(s.occurredAt.getTime() / 1000);
  const cents = Math.round(Number(s.value) * 100);
  const currency = s.currency.toLowerCase();
  const name = `${s.firstName} ${s.lastName}`;
  const address = { city: s.city, country: 'BR', line1: 'Rua 1', line2: null, postal_code: s.zip, state: s.state };
  if (event === 'refund') {
    const body: Obj = clone(templates.stripe.refund);
    body.id = s.deliveryId;
    body.created = unix;
    const o = body.data.object as Obj;
    Object.assign(o, { id: `ch_${s.transactionId.slice(3)}`, payment_intent: s.transactionId, amount: cents, amount_refunded: cents, currency, created: unix });
    o.billing_details = { address, email: s.email, name, phone: s.phone };
    return body;
  }
  if (event === 'purchase_again') {
    const body: Obj = clone(templates.stripe.again);
    body.id = s.deliveryId;
    body.created = unix;
    const o = body.data.object as Obj;
    Object.assign(o, { id: s.transactionId, amount: cents, amount_received: cents, currency, created: unix, receipt_email: s.email, metadata: {} });
    return body;
  }
  const body: Obj = clone(templates.stripe.purchase);
  body.id = s.deliveryId;
  body.created = unix;
  const o = body.data.object as Obj;
  Object.assign(o, {
    id: `cs_${s.transactionId.slice(3)}`,
    client_reference_id: s.sck,
    amount_subtotal: cents,
    amount_total: cents,
    currency,
    created: unix,
    payment_intent: s.transactionId,
    metadata: {},
    customer_details: { address, email: s.email, name, phone: s.phone, tax_exempt: 'none', tax_ids: [] },
  });
  return body;
}

/**
 * Eduzz: one invoice (the transaction) per sale; a later delivery about it is a new envelope id. There is
 * no second "paid" event for the same invoice, so `purchase_again` is the same invoice_paid resent by
 * Eduzz's history screen under a new envelope id.
 */
function eduzz(event: SaleEvent, s: SaleFacts): Obj {
  const body: Obj = clone(event === 'refund' ? templates.eduzz.refund : templates.eduzz.purchase);
  const at = s.occurredAt.toISOString();
  const amount = { currency: s.currency, value: Number(s.value) };
  body.id = s.deliveryId;
  body.event = event === 'refund' ? 'myeduzz.invoice_refunded' : 'myeduzz.invoice_paid';
  body.sentDate = at;
  const d = body.data as Obj;
  d.id = s.transactionId;
  d.status = event === 'refund' ? 'refunded' : 'paid';
  d.createdAt = new Date(s.occurredAt.getTime() - 60_000).toISOString();
  if (event === 'refund') d.refundedAt = at;
  else d.paidAt = at;
  d.price = amount;
  d.paid = amount;
  d.buyer = {
    name: `${s.firstName} ${s.lastName}`,
    email: s.email,
    cellphone: s.phone,
    document: '69526128664',
    address: { city: s.city, state: s.state, country: 'BR', zipCode: s.zip },
  };
  d.utm = { source: 'facebook', medium: 'paid', campaign: 'bench' };
  d.tracker = s.sck ? { code1: s.sck } : {};
  d.items = [{ productId: s.productId, name: 'Curso', price: amount }];
  return body;
}
