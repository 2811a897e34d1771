// Guards the name and address fields: Brazilian spellings (accents, full state names, CEP with
// a dash) must reduce to Meta's documented forms, or the hashed values will never match.
import { describe, expect, it } from 'vitest';
import { normalizeCity, normalizeCountry, normalizeExternalId, normalizeName, normalizeState, normalizeZip } from './index.ts';

describe('normalizeName', () => {
  it.each([
    ['Mary', 'mary'],
    ['  JOÃO ', 'joão'], // accents kept, as in Meta's "valéry" example
    ["D'Ávila", 'dávila'],
    ['Maria Clara', 'mariaclara'],
    ['Silva-Santos', 'silvasantos'],
    ['Zoë.', 'zoë'],
  ])('%j -> %j', (raw, expected) => {
    expect(normalizeName(raw)).toBe(expected);
  });

  it.each([[''], ['  '], ['...'], ['123'], [null]])('%j -> null', (raw) => {
    expect(normalizeName(raw)).toBeNull();
  });
});

describe('normalizeCity', () => {
  it.each([
    ['São Paulo', 'saopaulo'],
    ['SAO PAULO', 'saopaulo'],
    ['Florianópolis', 'florianopolis'],
    ['Menlo Park', 'menlopark'], // Meta: "menlopark"
    ['New York', 'newyork'], // Meta: "newyork"
    ["Santa Bárbara d'Oeste", 'santabarbaradoeste'],
  ])('%j -> %j', (raw, expected) => {
    expect(normalizeCity(raw)).toBe(expected);
  });

  it('returns null when nothing is left', () => {
    expect(normalizeCity(' - ')).toBeNull();
  });
});

describe('normalizeState', () => {
  it.each([
    ['São Paulo', 'sp'],
    ['sao paulo', 'sp'],
    ['SP', 'sp'],
    ['Rio de Janeiro', 'rj'],
    ['Rio Grande do Sul', 'rs'],
    ['Rio Grande do Norte', 'rn'],
    ['Mato Grosso do Sul', 'ms'],
    ['Pará', 'pa'],
    ['Paraná', 'pr'],
    ['Paraíba', 'pb'],
    ['Distrito Federal', 'df'],
    ['Estado de São Paulo', 'sp'],
    ['CA', 'ca'], // Meta: "ca"
    ['az', 'az'], // Meta: "az"
    ['Île-de-France', 'iledefrance'], // outside BR: lowercase, no punctuation, no spaces
  ])('%j -> %j', (raw, expected) => {
    expect(normalizeState(raw)).toBe(expected);
  });

  it('returns null when empty', () => {
    expect(normalizeState('')).toBeNull();
  });
});

describe('normalizeZip', () => {
  it.each([
    ['01310-100', undefined, '01310100'],
    ['01310100', 'BR', '01310100'],
    [' 01310 100 ', 'Brasil', '01310100'],
    ['94035', 'US', '94035'], // Meta: "94035"
    ['94035-1234', undefined, '94035'], // Meta: first 5 digits for US
    ['1987', 'AU', '1987'], // Meta: "1987"
    ['75018', 'FR', '75018'], // Meta: "75018"
    ['M1 1AE', 'GB', 'm11ae'], // Meta: "m11ae"
  ])('%j (%s) -> %j', (raw, country, expected) => {
    expect(normalizeZip(raw, country)).toBe(expected);
  });

  it.each([
    ['0131-100', 'BR'],
    ['013101000', 'BR'],
    ['', undefined],
    ['1', 'FR'],
  ])('%j (%s) -> null', (raw, country) => {
    expect(normalizeZip(raw, country)).toBeNull();
  });
});

describe('normalizeCountry', () => {
  it.each([
    ['BR', 'br'],
    ['br', 'br'],
    ['Brasil', 'br'],
    ['Brazil', 'br'],
    ['BRASIL', 'br'],
    ['United States', 'us'], // Meta: "us"
    ['Estados Unidos', 'us'],
    ['USA', 'us'],
    ['Portugal', 'pt'],
    ['Alemanha', 'de'],
  ])('%j -> %j', (raw, expected) => {
    expect(normalizeCountry(raw)).toBe(expected);
  });

  it.each([['XX'], ['Atlantis'], [''], [undefined]])('%j -> null', (raw) => {
    expect(normalizeCountry(raw)).toBeNull();
  });
});

describe('normalizeExternalId', () => {
  it.each([
    ['  VIS_0192ABC ', 'vis_0192abc'],
    ['user 42', 'user42'],
  ])('%j -> %j', (raw, expected) => {
    expect(normalizeExternalId(raw)).toBe(expected);
  });

  it('returns null when empty or absurdly long', () => {
    expect(normalizeExternalId('   ')).toBeNull();
    expect(normalizeExternalId('x'.repeat(513))).toBeNull();
  });
});
