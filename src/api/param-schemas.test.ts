// Guards the shapes every path and query value is checked against: what the hub itself makes passes,
// and nothing PostgreSQL would refuse (a NUL, a year-0 time) or no id could be gets through.
import { describe, expect, it } from 'vitest';
import { newId } from '../lib/ids.ts';
import { generatePublicKey } from '../domain/tenancy/api-keys.ts';
import { apiTime, eventIdParam, isPublicKeyShape, jobIdParam, pageCursor, plainText, tenantIdParam } from './param-schemas.ts';

const ok = (schema: { safeParse(v: unknown): { success: boolean } }, value: unknown) => schema.safeParse(value).success;

describe('ids', () => {
  it('accept what src/lib/ids.ts makes', () => {
    expect(ok(tenantIdParam, newId('ten'))).toBe(true);
    expect(ok(eventIdParam, newId('evt'))).toBe(true);
    expect(ok(jobIdParam, newId('job'))).toBe(true);
    expect(ok(jobIdParam, newId('obx'))).toBe(true);
  });

  it.each([
    [tenantIdParam, 'evt_01a22739f7407569b52c79239cf6bc45'],
    [tenantIdParam, 'ten_x'],
    [tenantIdParam, 'ten_01a18cae5e0075af8bc0f3eea62dcf0\u0000'],
    [eventIdParam, '\u0000'],
    [eventIdParam, 'evt_01A22739F7407569B52C79239CF6BC45'],
    [eventIdParam, ' evt_01a22739f7407569b52c79239cf6bc45'],
    [jobIdParam, 'evt_01a22739f7407569b52c79239cf6bc45'],
    [jobIdParam, 42],
  ])('refuse %s', (schema, value) => {
    expect(ok(schema, value)).toBe(false);
  });
});

describe('public keys', () => {
  it.each([
    [generatePublicKey(), true],
    ['hub_pk_3q2-7wE9rT5yU1iO0pA4sD', true],
    ['hub_pk_', false],
    ['hub_pk_\u0000', false],
    ['hub_pk_abc%00', false],
    ['hub_sk_3q2-7wE9rT5yU1iO0pA4sD', false],
    [`hub_pk_${'a'.repeat(122)}`, false],
  ])('%j → %s', (value, expected) => {
    expect(isPublicKeyShape(value)).toBe(expected);
  });
});

describe('times', () => {
  it.each([
    ['2026-11-29T12:00:00Z', true],
    ['2026-11-29T12:00:00.123-03:00', true],
    ['2000-01-01T00:00:00Z', true],
    ['2100-01-01T00:00:00Z', true],
    ['1999-12-31T23:59:59Z', false],
    ['2100-01-01T00:00:01Z', false],
    ['0000-01-01T00:00:00Z', false],
    ['9999-12-31T23:59:59-23:59', false],
    ['2026-02-30T00:00:00Z', false],
    ['2026-11-29', false],
    ['2026-11-29T12:00:00', false],
    ['1700000000000', false],
  ])('%s → %s', (value, expected) => {
    expect(ok(apiTime, value)).toBe(expected);
  });
});

describe('text and cursors', () => {
  it.each([
    ['Acme Cursos', true],
    ['Confeitaria da Ana 🍰 — São Paulo', true],
    ['a\u0000b', false],
    ['line\nbreak', false],
    ['tab\there', false],
    ['esc\u001b[31m', false],
    ['c1\u0085', false],
    ['lone \ud800 surrogate', false],
    ['x'.repeat(201), false],
  ])('plain text %j → %s', (value, expected) => {
    expect(ok(plainText(200), value)).toBe(expected);
  });

  it.each([
    ['MjAyNi0xMS0yOVQxMjoxNDowMC40MTJafGV2dF8wMWEy', true],
    ['garbage', true],
    ['', false],
    ['a%00', false],
    ['a b', false],
    ['x'.repeat(201), false],
  ])('cursor %j → %s', (value, expected) => {
    expect(ok(pageCursor, value)).toBe(expected);
  });
});
