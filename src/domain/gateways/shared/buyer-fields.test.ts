// Guards the small buyer helpers: name split, document digits, phone country.
import { describe, expect, it } from 'vitest';
import { digitsOnly } from './digits-only.ts';
import { countryOfInternationalPhone } from './phone-country.ts';
import { splitFullName } from './split-full-name.ts';

describe('splitFullName', () => {
  it.each([
    ['Teste Comprador', { firstName: 'Teste', lastName: 'Comprador' }],
    ['  Maria  da Silva Santos ', { firstName: 'Maria', lastName: 'da Silva Santos' }],
    ['Cher', { firstName: 'Cher' }],
    ['', {}],
    [undefined, {}],
  ])('%j', (name, expected) => {
    expect(splitFullName(name)).toEqual(expected);
  });
});

describe('digitsOnly', () => {
  it.each([
    ['542.541.615-70', '54254161570'],
    ['12.345.678/0001-95', '12345678000195'],
    ['CPF', undefined],
    [undefined, undefined],
  ])('%j -> %j', (value, expected) => {
    expect(digitsOnly(value)).toBe(expected);
  });
});

describe('countryOfInternationalPhone', () => {
  it.each([
    ['+5511999998888', 'BR'],
    ['+1 415 555 2671', 'US'],
    ['11999998888', undefined], // national: the country is not in the number
    ['+', undefined],
    ['not a phone', undefined],
  ])('%j -> %j', (phone, expected) => {
    expect(countryOfInternationalPhone(phone)).toBe(expected);
  });
});
