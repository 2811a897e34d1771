// Guards the stack-free serializer the Hotmart redaction writes bodies with: the same text as
// JSON.stringify for anything JSON.parse returns, and no stack overflow on deep documents.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { serializeJson } from './serialize-json.ts';

describe('serializeJson', () => {
  it('writes what JSON.stringify writes (unicode, lone surrogates, __proto__ keys, numbers)', () => {
    fc.assert(
      fc.property(fc.json({ maxDepth: 8 }), (text) => {
        const value: unknown = JSON.parse(text);
        expect(serializeJson(value)).toBe(JSON.stringify(value));
      }),
      { seed: 15, numRuns: 500 },
    );
    const tricky = JSON.parse('{"__proto__":{"a":1},"\\ud800":"\\udfff","n":-0,"e":1E2,"u":"\\u2028"}') as unknown;
    expect(serializeJson(tricky)).toBe(JSON.stringify(tricky));
  });

  it('replaces member values, by key, at any depth', () => {
    expect(serializeJson({ a: { k: 1, b: [{ k: 2 }] } }, (key, v) => (key === 'k' ? 'x' : v))).toBe('{"a":{"k":"x","b":[{"k":"x"}]}}');
  });

  it('writes a document nested 50,000 deep (a 256 KiB body cannot go much deeper)', () => {
    const depth = 50_000;
    const text = `${'{"a":['.repeat(depth)}${']}'.repeat(depth)}`;
    expect(serializeJson(JSON.parse(text))).toBe(text);
  });
});
