// Guards operator views against leaking buyers' personal data: personal values are masked by key path
// and by shape wherever they sit (inside arrays, under business-looking parents, in keys), business
// fields stay readable, credentials are redacted, and deep or wide documents still show what they can.
import { describe, expect, it } from 'vitest';
import { maskHeaders, maskPii, MAX_DEPTH, MAX_MEMBERS, MAX_NODES } from './mask-pii.ts';

describe('maskPii', () => {
  it.each([
    ['an e-mail', { email: 'John.Smith@gmail.com' }, { email: 'J***@g***.com' }],
    ['a phone', { buyer: { phone: '+55 (11) 99999-8888' } }, { buyer: { phone: '***8888' } }],
    ['a mobile and a CPF', { Customer: { mobile: '+5511999998888', CPF: '123.456.789-09' } }, { Customer: { mobile: '***8888', CPF: '***.***.***-**' } }],
    ['a name and an address', { customer_details: { name: 'Maria Souza', address: { line1: 'Rua A, 10', postal_code: '01310-100', country: 'BR' } } },
      { customer_details: { name: 'M***', address: { line1: '*** (9 chars)', postal_code: '*** (9 chars)', country: 'BR' } } }],
    ['an IP', { clientIp: '189.40.12.7' }, { clientIp: '189.40.12.***' }],
    ['an e-mail under any key', { contact: 'someone@example.com' }, { contact: 's***@e***.com' }],
    // issue 15, finding 6: the parent key is kept inside arrays; no subtree is skipped for its name
    ['a CPF in Stripe tax_ids[].value', { customer_details: { tax_ids: [{ type: 'br_cpf', value: '12345678909' }] } },
      { customer_details: { tax_ids: [{ type: '*** (6 chars)', value: '***.***.***-**' }] } }],
    ['tax ids outside a customer', { tax_ids: [{ type: 'br_cnpj', value: '12.345.678/0001-95' }] }, { tax_ids: [{ type: '*** (7 chars)', value: '**.***.***/****-**' }] }],
    ['a phone in metadata', { metadata: { utm_source: 'fb', whatsapp: '21988887777', nota: 'ligar para Maria' } },
      { metadata: { utm_source: 'fb', whatsapp: '***7777', nota: '*** (16 chars)' } }],
    ['Kiwify Customer.instagram', { Customer: { instagram: '@maria.souza' } }, { Customer: { instagram: '*** (12 chars)' } }],
    ['e-mails under commissioned_stores', { Commissions: { commissioned_stores: [{ type: 'affiliate', email: 'a@b.com.br', custom_name: 'Ana', value: '4715' }] } },
      { Commissions: { commissioned_stores: [{ type: 'affiliate', email: 'a***@b***.com.br', custom_name: 'A***', value: '4715' }] } }],
    ['Hotmart producer.document', { producer: { name: 'Producer Name', document: '12345678965' } }, { producer: { name: 'P***', document: '***.***.***-**' } }],
    ['a product name that carries an e-mail', { product: { name: 'Mentoria joao@x.com' } }, { product: { name: 'Mentoria j***@x***.com' } }],
    ['a status that is a CPF', { status: '529.982.247-25' }, { status: '***.***.***-**' }],
    ['an amount that is a phone', { amount: '11999998888', value: 11999998888 }, { amount: '***8888', value: '*** (11 digits)' }],
    ['numbers: amounts and times shown, long ones masked', { amount: 1099, created: 1680100000, metadata: { n: 42, cpf: 52998224725 } },
      { amount: 1099, created: 1680100000, metadata: { n: 42, cpf: '***.***.***-**' } }],
    ['credentials', { hottok: 'abc', nested: { client_secret: 'pi_1_secret_2', Authorization: 'Bearer x', signature: ['a', 'b'] } },
      { hottok: '[redacted]', nested: { client_secret: '[redacted]', Authorization: '[redacted]', signature: '[redacted]' } }],
    ['a credential holding an object', { hottok: { value: 'abc' } }, { hottok: '[redacted]' }],
    ['keys that are personal data', { 'maria@gmail.com': 1, '52998224725': true }, { 'm***@g***.com': 1, '***.***.***-**': true }],
    ['keys that mask alike', { 'a1@x.com': 1, 'a2@x.com': 2, 'a3@x.com': 3 }, { 'a***@x***.com': 1, 'a***@x***.com #2': 2, 'a***@x***.com #3': 3 }],
    ['links that act as keys keep their host', { boleto_url: 'https://pay.kiwify.com.br/boleto/abc123' }, { boleto_url: 'https://pay.kiwify.com.br/…' }],
    ['a landing page keeps its path and tracking', { url: 'https://lp.example.com/oferta?utm_source=fb&email=a%40b.com' },
      { url: 'https://lp.example.com/oferta?utm_source=fb&email=*** (7 chars)' }],
    ['a hub id anywhere', { metadata: { hub_session: 'sid_0192f0c4a7b97c3e' } }, { metadata: { hub_session: 'sid_0192f0c4a7b97c3e' } }],
    ['a birth date is not a date to show', { birth_date: '1990-05-12', approved_date: '2025-04-03 05:09' }, { birth_date: '*** (10 chars)', approved_date: '2025-04-03 05:09' }],
  ])('%s', (_name, input, expected) => {
    expect(maskPii(input)).toEqual(expected);
  });

  it('keeps business fields', () => {
    const input = { product: { name: 'Curso X', id: 123 }, purchase: { price: { value: 197, currency_value: 'BRL' }, transaction: 'HP1', status: 'APPROVED' }, event: 'PURCHASE_APPROVED' };
    expect(maskPii(input)).toEqual(input);
  });

  it('a value given with its key (a buyer, the evidence of a match) is judged under it', () => {
    expect(maskPii({ email: 'ana@x.com', country: 'BR', ip: '189.40.12.7' }, { under: 'buyer' })).toEqual({ email: 'a***@x***.com', country: 'BR', ip: '189.40.12.***' });
    expect(maskPii({ fingerprint: { clientIp: '189.40.12.7', userAgent: 'Mozilla/5.0 (X11; Linux x86_64)', candidates: 1 }, identity: { email: 2, phone: 1, matchedOn: ['email'] } }, { under: 'evidence' })).toEqual({
      fingerprint: { clientIp: '189.40.12.***', userAgent: 'Mozilla/5.0 … (31 chars)', candidates: 1 },
      identity: { email: 2, phone: 1, matchedOn: ['email'] },
    });
  });

  it('a CAPI event: hashes masked, fbc and the IP recognisable', () => {
    const hash = 'a'.repeat(64);
    expect(maskPii({ event_name: 'Purchase', user_data: { em: [hash], client_ip_address: '189.40.12.7', fbc: 'fb.1.1772366400000.IwAR2', fbp: 'fb.1.1772366400000.123' }, custom_data: { value: 197, currency: 'BRL' } }, { under: 'capi_event' })).toEqual({
      event_name: 'Purchase',
      user_data: { em: ['*** (64 chars)'], client_ip_address: '189.40.12.***', fbc: 'fb.1.1772366400000.IwAR2', fbp: 'fb.1.1772366400000.123' },
      custom_data: { value: 197, currency: 'BRL' },
    });
  });

  it('headers: transport shown, forwarding headers and unknown ones masked', () => {
    expect(maskHeaders({ 'content-type': 'application/json', 'user-agent': 'Stripe/1.0', 'x-forwarded-for': '189.40.12.7, 10.0.0.1', 'x-real-ip': '189.40.12.7', 'x-hotmart-hottok': 'abc' })).toEqual({
      'content-type': 'application/json',
      'user-agent': 'Stripe/1.0',
      'x-forwarded-for': '*** (21 chars)',
      'x-real-ip': '189.40.12.***',
      'x-hotmart-hottok': '[redacted]',
    });
  });

  it('__proto__ and constructor stay keys: no prototype is set or polluted', () => {
    const input = JSON.parse('{"__proto__":{"email":"a@b.com","polluted":"yes"},"constructor":{"prototype":{"x":"1"}}}') as unknown;
    const out = maskPii(input) as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.keys(out)).toEqual(['__proto__', 'constructor']);
    expect(JSON.stringify(out)).toBe('{"__proto__":{"email":"a***@b***.com","polluted":"*** (3 chars)"},"constructor":{"prototype":{"x":"*** (1 digits)"}}}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it(`a document nested 10,000 deep shows its first ${MAX_DEPTH} levels, iteratively`, () => {
    const depth = 10_000;
    const input = JSON.parse(`${'{"a":'.repeat(depth)}"maria@gmail.com"${'}'.repeat(depth)}`) as unknown;
    let node = maskPii(input) as Record<string, unknown>;
    for (let level = 0; level < MAX_DEPTH; level++) node = node.a as Record<string, unknown>;
    expect(node).toBe(`[deeper than ${MAX_DEPTH} levels: not shown]`);
  });

  it(`a document with a million values shows ${MAX_MEMBERS} per container and ${MAX_NODES} in all, and counts the rest`, () => {
    const input = { event: 'PURCHASE_APPROVED', items: Array.from({ length: 1_000_000 }, (_, i) => i), meta: { id: 'x' } };
    const out = maskPii(input) as { event: string; items: unknown[]; meta: unknown };
    expect(out.event).toBe('PURCHASE_APPROVED');
    expect(out.meta).toEqual({ id: 'x' });
    expect(out.items).toHaveLength(MAX_MEMBERS + 1);
    expect(out.items[MAX_MEMBERS]).toBe(`[${1_000_000 - MAX_MEMBERS} more items not shown]`);
    const wide = maskPii(Array.from({ length: 100 }, () => Array.from({ length: 500 }, () => 1))) as unknown[][];
    expect(wide.flat().filter((v) => v === 1)).toHaveLength(MAX_NODES - 100 - 1);
  });

  it('long shown values are cut', () => {
    const out = maskPii({ status: 'x'.repeat(10_000) }) as { status: string };
    expect(out.status).toBe(`${'x'.repeat(500)}… (10000 chars)`);
  });
});
