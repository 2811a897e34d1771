// Guards masking against documents nobody wrote a fixture for: generated JSON (deep, wide, unicode,
// numbers as strings, keys like __proto__) with e-mails, CPFs, CNPJs, phones, IPs and names planted
// anywhere — as values under business keys and personal keys, inside free text, as numbers, as keys.
// None may survive, masking never throws, and the view stays bounded and serialisable.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findPiiLeaks } from './find-pii-leaks.ts';
import { maskPii, MAX_DEPTH } from './mask-pii.ts';

const RUNS = { seed: 15, numRuns: 400 };

const digits = (n: number): fc.Arbitrary<number[]> => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n });
const checkDigit = (d: number[], weights: number[]): number => {
  const r = d.reduce((sum, x, i) => sum + x * weights[i]!, 0) % 11;
  return r < 2 ? 0 : 11 - r;
};

const cpf = digits(9).chain((d) => {
  const a = checkDigit(d, [10, 9, 8, 7, 6, 5, 4, 3, 2]);
  const all = [...d, a, checkDigit([...d, a], [11, 10, 9, 8, 7, 6, 5, 4, 3, 2])].join('');
  return fc.constantFrom(all, `${all.slice(0, 3)}.${all.slice(3, 6)}.${all.slice(6, 9)}-${all.slice(9)}`, `${all.slice(0, 9)}-${all.slice(9)}`);
});
const cnpj = digits(12).chain((d) => {
  const a = checkDigit(d, [5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2]);
  const all = [...d, a, checkDigit([...d, a], [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2])].join('');
  return fc.constantFrom(all, `${all.slice(0, 2)}.${all.slice(2, 5)}.${all.slice(5, 8)}/${all.slice(8, 12)}-${all.slice(12)}`);
});
const phone = fc.tuple(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 }), digits(8), fc.boolean()).chain(([a, b, rest, mobile]) => {
  const ddd = `${a}${b}`;
  const n = rest.join('');
  const local = mobile ? `9${n}` : `3${n.slice(1)}`;
  const [head, tail] = [local.slice(0, -4), local.slice(-4)];
  return fc.constantFrom(`${ddd}${local}`, `55${ddd}${local}`, `+55${ddd}${local}`, `(${ddd}) ${head}-${tail}`, `+55 ${ddd} ${head}-${tail}`, `+55 (${ddd}) ${head} ${tail}`, `${ddd} ${head}-${tail}`, `0${ddd} ${head} ${tail}`);
});
const email = fc.emailAddress().filter((e) => e.length >= 6);
const ipv6 = fc.ipV6().filter((ip) => (ip.match(/[0-9a-f]{1,4}/gi) ?? []).length >= 4);
const patterned = fc.oneof(cpf, cnpj, phone, email, fc.ipV4().filter((ip) => !ip.startsWith('0.')), ipv6);
const name = fc.tuple(fc.stringMatching(/^[A-ZÁÉÓ][a-záéíóúç]{3,8}$/), fc.stringMatching(/^[A-Z][a-z]{3,8}$/)).map(([a, b]) => `${a} ${b}`);

// Keys an operator is shown (a planted shape must still be masked there) and keys that are masked.
const shownKeys = ['status', 'value', 'amount', 'id', 'transaction', 'description', 'reason', 'event', 'type', 'utm_source', 'sck', 'country'];
const maskedKeys = ['nome', 'apelido', 'contato', 'observacao', 'x-custom', 'Ünïcödé 名前', '__proto__', 'constructor', 'toString', ''];
const containerKeys = ['data', 'buyer', 'product', 'items', 'metadata', 'Customer', 'tax_ids', 'object', 'purchase', '__proto__'];
const key = fc.oneof(fc.constantFrom(...shownKeys, ...maskedKeys, ...containerKeys), fc.string({ unit: 'grapheme', maxLength: 12 }));
const leaf = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.integer({ min: 0, max: 99_999 }).map((n) => (n / 100).toFixed(2)), // numbers as strings
);
const { document } = fc.letrec((tie) => ({
  document: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, tie('array'), tie('object')),
  array: fc.array(tie('document'), { maxLength: 4 }),
  object: fc.dictionary(key, tie('document'), { maxKeys: 5 }),
}));

type Plant = { where: number; key: string; value: unknown; planted: string; asKey: boolean };
const plant: fc.Arbitrary<Plant> = fc.oneof(
  // a recognisable shape under any key, alone or inside text
  fc.tuple(fc.nat(), fc.constantFrom(...shownKeys, ...maskedKeys), patterned, fc.constantFrom('', 'contato: ', 'Maria <')).map(([where, k, v, prefix]) => ({ where, key: k, value: `${prefix}${v}${prefix ? ' ok' : ''}`, planted: v, asKey: false })),
  // a name, only where names are not shown
  fc.tuple(fc.nat(), fc.constantFrom(...maskedKeys), name).map(([where, k, v]) => ({ where, key: k, value: v, planted: v, asKey: false })),
  // a CPF or a phone as a number
  fc
    .tuple(fc.nat(), fc.constantFrom('value', 'amount', 'id', ...maskedKeys), fc.oneof(cpf, phone))
    .map(([where, k, v]) => ({ where, key: k, value: Number(v.replace(/\D/g, '')), planted: String(Number(v.replace(/\D/g, ''))), asKey: false }))
    .filter((p) => p.planted.length >= 10), // a CPF with leading zeros is a shorter number
  // personal data as a key
  fc.tuple(fc.nat(), patterned).map(([where, v]) => ({ where, key: v, value: true, planted: v, asKey: true })),
);

/** The JSON text of `doc` parsed back (own `__proto__` keys, as a webhook body is) with the plants inserted. */
function planted(doc: unknown, plants: Plant[]): unknown {
  const root: unknown = JSON.parse(JSON.stringify({ root: doc }));
  const containers: Array<Record<string, unknown> | unknown[]> = [];
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (node !== null && typeof node === 'object') {
      containers.push(node as Record<string, unknown>);
      for (const child of Object.values(node)) stack.push(child);
    }
  }
  for (const p of plants) {
    const target = containers[p.where % containers.length]!;
    // Into an array, as a member of an object: the items of an array take the array's key, and a name
    // pushed into `status: []` would be a status (shown on purpose).
    if (Array.isArray(target)) target.push(Object.defineProperty({}, p.key, { value: p.value, enumerable: true }));
    else Object.defineProperty(target, p.key, { value: p.value, enumerable: true, writable: true, configurable: true });
  }
  return root;
}

function depthOf(value: unknown): number {
  let max = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    max = Math.max(max, depth);
    if (node !== null && typeof node === 'object') for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return max;
}

describe('maskPii on hostile documents', () => {
  it('no planted e-mail, CPF, CNPJ, phone, IP or name survives, wherever it is', () => {
    fc.assert(
      fc.property(document, fc.array(plant, { minLength: 1, maxLength: 6 }), (doc, plants) => {
        const masked = maskPii(planted(doc, plants));
        expect(findPiiLeaks(masked, plants.map((p) => p.planted))).toEqual([]);
      }),
      RUNS,
    );
  });

  it('never throws, never sets a prototype, and the view is serialisable and bounded', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.integer({ min: 0, max: 3_000 }), (value, depth) => {
        const deep = JSON.parse(`${'{"__proto__":['.repeat(depth)}${JSON.stringify(value) ?? 'null'}${']}'.repeat(depth)}`) as unknown;
        const masked = maskPii(deep);
        expect(() => JSON.stringify(masked)).not.toThrow();
        expect(depthOf(masked)).toBeLessThanOrEqual(MAX_DEPTH + 1);
        expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
        if (masked !== null && typeof masked === 'object') expect(Object.getPrototypeOf(masked)).toBe(Array.isArray(masked) ? Array.prototype : Object.prototype);
      }),
      { seed: 15, numRuns: 100 },
    );
  });

  it('business values on the allow-list come out as they went in', () => {
    const safe = fc.stringMatching(/^[A-Z][A-Za-z _]{0,30}$/);
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('status', 'event', 'type', 'currency', 'transaction', 'reason'), safe), fc.integer({ min: 0, max: 999_999 }), (fields, amount) => {
        const input = { ...fields, amount, product: { name: fields.status ?? 'Curso' } };
        expect(maskPii(input)).toEqual(input);
      }),
      RUNS,
    );
  });
});
