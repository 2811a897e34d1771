// Guards operator views against leaking buyers' personal data: every PII field of real gateway shapes
// is masked, business fields are kept.
import { describe, expect, it } from 'vitest';
import { maskPii } from './mask-pii.ts';

describe('maskPii', () => {
  it.each([
    [{ email: 'John.Smith@gmail.com' }, { email: 'J***@gmail.com' }],
    [{ buyer: { phone: '+55 (11) 99999-8888' } }, { buyer: { phone: '***8888' } }],
    [{ Customer: { mobile: '+5511999998888', CPF: '123.456.789-09' } }, { Customer: { mobile: '***8888', CPF: '***09' } }],
    [{ customer_details: { name: 'Maria Souza', address: { line1: 'Rua A, 10', postal_code: '01310-100' } } },
      { customer_details: { name: 'M***', address: { line1: '***', postal_code: '***' } } }],
    [{ Customer: { full_name: 'Ana Lima', first_name: 'Ana' } }, { Customer: { full_name: 'A***', first_name: 'A***' } }],
    [{ clientIp: '189.40.12.7' }, { clientIp: '189.40.12.***' }],
    [{ contact: 'someone@example.com' }, { contact: 's***@example.com' }],
  ])('masks %o', (input, expected) => {
    expect(maskPii(input)).toEqual(expected);
  });

  it('keeps business fields', () => {
    const input = { product: { name: 'Curso X', id: 123 }, purchase: { price: { value: 197, currency_value: 'BRL' } }, event: 'PURCHASE_APPROVED' };
    expect(maskPii(input)).toEqual(input);
  });
});
