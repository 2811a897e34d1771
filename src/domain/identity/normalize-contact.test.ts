// Guards e-mail and phone normalization, the two keys that carry most of a purchase's match:
// a Brazilian number in any common format must reduce to the same digits, and junk must be null
// rather than a hash of junk.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { normalizeEmail, normalizePhone, sha256Hex } from './index.ts';

describe('normalizeEmail', () => {
  it.each([
    ['  Maria.Silva@Exemplo.COM.br ', 'maria.silva@exemplo.com.br'],
    ['JOAO+promo@gmail.com', 'joao+promo@gmail.com'], // no +tag folding: Meta does not ask for it
    ['j.o.a.o@gmail.com', 'j.o.a.o@gmail.com'], // no Gmail dot folding either
    ['joão@exemplo.com.br', 'joão@exemplo.com.br'],
    ['a@b.co', 'a@b.co'],
  ])('%j -> %j', (raw, expected) => {
    expect(normalizeEmail(raw)).toBe(expected);
  });

  it.each([
    [''], ['   '], ['maria'], ['maria@'], ['@exemplo.com'], ['maria@exemplo'], ['maria @exemplo.com'],
    ['maria@@exemplo.com'], ['maria@exemplo..com'], ['.maria@exemplo.com'], [`${'a'.repeat(250)}@b.com`],
  ])('%j is not a plausible e-mail', (raw) => {
    expect(normalizeEmail(raw)).toBeNull();
  });

  it('treats null and undefined as absent', () => {
    expect(normalizeEmail(null)).toBeNull();
    expect(normalizeEmail(undefined)).toBeNull();
  });
});

describe('normalizePhone', () => {
  it.each([
    // Brazilian mobile, every common way buyers and gateways write it
    ['(11) 99999-8888', '5511999998888'],
    ['11999998888', '5511999998888'],
    ['11 99999-8888', '5511999998888'],
    ['+55 11 9 9999-8888', '5511999998888'],
    ['+55 (11) 99999-8888', '5511999998888'],
    ['+5511999998888', '5511999998888'],
    ['5511999998888', '5511999998888'],
    ['011 99999 8888', '5511999998888'],
    ['0055 11 99999-8888', '5511999998888'],
    ['055 11 99999 8888', '5511999998888'],
    // Without the mobile 9th digit: left as given, never "fixed"
    ['(11) 9999-8888', '551199998888'],
    ['+55 11 9999-8888', '551199998888'],
    // Landline and other area codes
    ['(11) 3333-4444', '551133334444'],
    ['(85) 99762-4221', '5585997624221'],
    ['(21) 2222-3333', '552122223333'],
    // Foreign numbers given in international form keep their own country code
    ['+1 (650) 555-1212', '16505551212'],
    ['+351 912 345 678', '351912345678'],
    ['00351 912 345 678', '351912345678'],
  ])('%j -> %j (default BR)', (raw, expected) => {
    expect(normalizePhone(raw)).toBe(expected);
  });

  it('uses the given default country for national numbers', () => {
    expect(normalizePhone('(650) 555-1212', 'US')).toBe('16505551212');
    expect(normalizePhone('912 345 678', 'pt')).toBe('351912345678');
  });

  it.each([[''], ['abc'], ['12345'], ['(11) 999'], ['+55 11 99999-88888888'], ['0000000000']])(
    '%j is not a valid phone',
    (raw) => {
      expect(normalizePhone(raw)).toBeNull();
    },
  );

  it('has no "+" and no leading zero in any result', () => {
    for (const raw of ['011 99999 8888', '0055 11 99999-8888', '+55 11 99999-8888']) {
      expect(normalizePhone(raw)).toMatch(/^[1-9]\d+$/);
    }
  });

  it('hashes to the SHA-256 of the digits (computed here with node:crypto directly)', () => {
    const expected = createHash('sha256').update('5511999998888').digest('hex');
    expect(sha256Hex(normalizePhone('(11) 99999-8888') ?? '')).toBe(expected);
  });
});
