// Guards the Eduzz normalization: kinds per event, the invoice as the dedupe key, decimals, times from
// the invoice's own fields, buyer fields and the checkout's trk — on the published examples.
import { describe, expect, it } from 'vitest';
import { buildWebhookRequest, readFixture } from '../shared/build-webhook-request.ts';
import type { NormalizedConversion } from '../types.ts';
import { eduzzGateway } from './index.ts';
import { parseEduzzWebhook } from './parse-eduzz-webhook.ts';

const parseFixture = (name: string) => parseEduzzWebhook(buildWebhookRequest(readFixture(new URL(`./fixtures/${name}`, import.meta.url))));

function onlyConversion(name: string): NormalizedConversion {
  const result = parseFixture(name);
  if (!result.ok) throw new Error(result.reason);
  expect(result.conversions).toHaveLength(1);
  return result.conversions[0]!;
}

// Alice Johnson of every published example: US-style numbers, no country, so the phone stays as sent
// (the Meta normalizer reads national numbers as Brazilian unless told otherwise).
const alice = { email: 'alice.johnson@example.com', phone: '555-321-9876', firstName: 'Alice', lastName: 'Johnson' };

describe('parseEduzzWebhook: the published invoice_paid', () => {
  it('-> one purchase: the invoice id, what it charged, when Eduzz sent it, the buyer and the utm', () => {
    expect(parseFixture('invoice-paid.json')).toEqual({
      ok: true,
      deliveryId: 'g90wu09uwge',
      eventType: 'myeduzz.invoice_paid',
      conversions: [{
        kind: 'purchase',
        transactionId: '12345678',
        productId: 'P567',
        productName: 'Widget X',
        value: '301.50', // price.value 301.5, the invoice's total (both items)
        currency: 'BRL',
        occurredAt: '2024-01-09T14:45:00.000Z', // no paidAt in the published example: sentDate
        buyer: alice,
        tracking: { utm: { source: 'abc', medium: 'jkl', campaign: 'def', content: 'ghi' } },
        gatewayStatus: 'myeduzz.invoice_paid/paid',
        paymentMethod: 'creditCard',
      }],
    });
  });
});

describe('parseEduzzWebhook: a sale through a decorated checkout link [built from the reference schema]', () => {
  it('-> paid value and time, a Brazilian buyer with document and address, trk in metadata', () => {
    expect(onlyConversion('invoice-paid-tracked.json')).toEqual({
      kind: 'purchase',
      transactionId: '87654321',
      productId: '2190345',
      productName: 'Curso de Cajón',
      value: '197.00',
      currency: 'BRL',
      occurredAt: '2024-03-12T17:19:58.000Z', // paidAt
      buyer: {
        email: 'Maria.Lima@Example.com', // normalized for Meta later (lower case), kept as sent here
        phone: '+55 11 99999-8888', // the cellphone before the landline
        phoneCountry: 'BR',
        firstName: 'Maria',
        lastName: 'Souza Lima',
        document: '54254161570',
        city: 'São Paulo',
        state: 'SP',
        zip: '01310-100',
        country: 'BR',
      },
      tracking: {
        utm: { source: 'facebook', medium: 'cpc', campaign: 'lancamento', content: 'video-1', term: 'curso' },
        metadata: { trk: 'sid_0123456789abcdef0123456789abcdef', trk2: 'ig' },
      },
      gatewayStatus: 'myeduzz.invoice_paid/paid',
      paymentMethod: 'pix',
    });
  });

  it('a value in `paid` wins over `price`; a country that is not ISO alpha-2 is dropped', () => {
    const body = JSON.parse(readFixture(new URL('./fixtures/invoice-paid-tracked.json', import.meta.url)));
    body.data.price = { currency: 'BRL', value: 210 };
    body.data.paid = { currency: 'brl', value: 199.9 };
    body.data.buyer.address.country = 'Brasil';
    const result = parseEduzzWebhook(buildWebhookRequest(JSON.stringify(body)));
    if (!result.ok) throw new Error(result.reason);
    expect(result.conversions[0]).toMatchObject({ value: '199.90', currency: 'BRL', buyer: { phoneCountry: 'BR' } });
    expect(result.conversions[0]!.buyer.country).toBeUndefined();
  });
});

describe('parseEduzzWebhook: every published invoice event -> its kind', () => {
  it.each([
    ['invoice-opened.json', 'pending', '2024-01-09T14:45:00.000Z', 'myeduzz.invoice_opened/open'],
    ['invoice-waiting-payment.json', 'subscription_past_due', '2024-01-09T14:45:00.000Z', 'myeduzz.invoice_waiting_payment/waiting_payment'],
    ['invoice-overdue.json', 'subscription_past_due', '2024-01-09T14:45:00.000Z', 'myeduzz.invoice_overdue/overdue'],
    ['invoice-canceled.json', 'cancellation', '2024-01-09T14:45:00.000Z', 'myeduzz.invoice_canceled/canceled'],
    ['invoice-expired.json', 'cancellation', '2024-01-09T14:45:00.000Z', 'myeduzz.invoice_expired/expired'],
    ['invoice-refused.json', 'cancellation', '2024-01-09T14:45:00.000Z', 'myeduzz.invoice_refused/refused'],
    ['invoice-refunded.json', 'refund', '2024-01-15T17:45:00.000Z', 'myeduzz.invoice_refunded/refunded'], // refundedAt
    ['invoice-chargeback.json', 'chargeback', '2024-01-09T14:45:00.000Z', 'myeduzz.invoice_chargeback/chargeback'],
  ])('%s -> %s', (fixture, kind, occurredAt, gatewayStatus) => {
    expect(onlyConversion(fixture)).toMatchObject({ kind, transactionId: '12345678', value: '301.50', currency: 'BRL', occurredAt, gatewayStatus, buyer: alice });
  });

  it.each([
    ['invoice-waiting-refund.json', 'myeduzz.invoice_waiting_refund'],
    ['invoice-recovering.json', 'myeduzz.invoice_recovering'],
    ['invoice-scheduled.json', 'myeduzz.invoice_scheduled'],
    ['invoice-negotiated.json', 'myeduzz.invoice_negotiatied'],
    ['commission-processed.json', 'myeduzz.commission_processed'],
    ['contract-created.json', 'myeduzz.contract_created'],
    ['ping.json', 'ping'],
    ['nutror-lesson-started.json', 'nutror.lesson_started'],
  ])('%s is stored with no conversion', (fixture, eventType) => {
    expect(parseFixture(fixture)).toMatchObject({ ok: true, eventType, conversions: [] });
  });

  it('the paid and refunded events of one invoice share the transaction, so a refund finds its sale', () => {
    expect(onlyConversion('invoice-refunded.json').transactionId).toBe(onlyConversion('invoice-paid.json').transactionId);
  });
});

describe('parseEduzzWebhook: what it does not understand', () => {
  const parse = (body: string) => parseEduzzWebhook(buildWebhookRequest(body));
  it.each([
    ['not JSON', 'trans_cod=1&trans_status=3', /not JSON/],
    ['the legacy flat postback (trans_status, origin)', JSON.stringify({ trans_cod: '1', trans_status: '3', origin: 'x' }), /not an Eduzz webhook envelope/],
    ['an envelope without an event', JSON.stringify({ id: 'a', data: {} }), /not an Eduzz webhook envelope/],
    ['an unknown MyEduzz event', JSON.stringify({ id: 'a', event: 'myeduzz.invoice_teleported', data: { id: '1' } }), /unknown Eduzz event "myeduzz.invoice_teleported"/],
    ['a paid invoice without its id', JSON.stringify({ id: 'a', event: 'myeduzz.invoice_paid', data: { status: 'paid' } }), /without data.id/],
    ['a paid invoice without data', JSON.stringify({ id: 'a', event: 'myeduzz.invoice_paid' }), /without data.id/],
  ])('%s -> not ok', (_label, body, reason) => {
    const result = parse(body);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });

  it('a paid invoice with no time of its own and none from Eduzz falls back to the time of receipt', () => {
    const result = parse(JSON.stringify({ id: 'a', event: 'myeduzz.invoice_paid', data: { id: '9', paidAt: 'yesterday' } }));
    expect(result.ok && result.conversions[0]!.occurredAt).toBe('2026-01-01T00:00:00.000Z');
  });
});

describe('eduzzGateway.redactRawBody', () => {
  it('keeps a body byte for byte, and blanks the account keys a body may repeat, at any depth', () => {
    const plain = Buffer.from(readFixture(new URL('./fixtures/invoice-paid.json', import.meta.url)));
    expect(eduzzGateway.redactRawBody(plain)).toBe(plain);
    const withKeys = Buffer.from(JSON.stringify({ id: 'a', event: 'myeduzz.invoice_paid', data: { id: '1', producer: { originSecret: 'k-123' } }, api_key: 'legacy-456' }));
    const stored = eduzzGateway.redactRawBody(withKeys).toString();
    expect(stored).not.toContain('k-123');
    expect(stored).not.toContain('legacy-456');
    expect(JSON.parse(stored).data.producer.originSecret).toBe('[redacted]');
  });
});
