// Guards what a lead needs: an e-mail or a phone the hub can hash as Meta asks; one good value is
// enough, none is refused with the field to fix.
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../identity/index.ts';
import { hashIdentity, leadIdentityIssues } from './identity-hash.ts';

describe('hashIdentity', () => {
  it.each<[string, 'email' | 'phone', string, string | null]>([
    ['e-mail trimmed and lower-cased', 'email', '  Ana.Lima@Exemplo.COM.br ', sha256Hex('ana.lima@exemplo.com.br')],
    ['phone as E.164 digits', 'phone', '+55 (21) 99876-5432', sha256Hex('5521998765432')],
    ['Brazilian phone without country code', 'phone', '(21) 99876-5432', sha256Hex('5521998765432')],
    ['an already hashed value kept (lower-cased)', 'email', sha256Hex('x@y.com').toUpperCase(), sha256Hex('x@y.com')],
    ['not an e-mail', 'email', 'ana@', null],
    ['not a phone', 'phone', '123', null],
  ])('%s', (_name, kind, value, expected) => {
    expect(hashIdentity(kind, value)).toBe(expected);
  });
});

describe('leadIdentityIssues', () => {
  it.each<[string, Parameters<typeof leadIdentityIssues>[0], Array<'email' | 'phone' | null>]>([
    ['no user', undefined, [null]],
    ['an empty user', {}, [null]],
    ['blank values', { email: ' ', phone: '' }, [null]],
    ['a good e-mail', { email: 'ana@exemplo.com.br' }, []],
    ['a good phone', { phone: '+55 21 99876-5432' }, []],
    ['a bad e-mail beside a good phone', { email: 'ana@', phone: '+55 21 99876-5432' }, []],
    ['a bad e-mail alone', { email: 'ana@' }, ['email']],
    ['both bad', { email: 'ana@', phone: 'abc' }, ['email', 'phone']],
  ])('%s', (_name, user, fields) => {
    expect(leadIdentityIssues(user).map((i) => i.field)).toEqual(fields);
  });
});
