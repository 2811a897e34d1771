// Guards raw evidence: a legacy Hotmart body must not store the account hottok, however its JSON
// spells the key, and the stored body must still parse to the same delivery for a replay.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildWebhookRequest } from '../shared/build-webhook-request.ts';
import { parseHotmartWebhook } from './parse-hotmart-webhook.ts';
import { redactHotmartBody } from './redact-hotmart-body.ts';

const SECRET = 'ysewXlAZI1iHdUFqC4ZcV1J5RLhiVe518471';
const redact = (body: string): string => redactHotmartBody(Buffer.from(body)).toString('utf8');

describe('redactHotmartBody', () => {
  it.each([
    [`{"hottok":"${SECRET}","id":"d49b"}`, '{"hottok":"[redacted]","id":"d49b"}'],
    ['{ "hottok" : "a\\"b", "event": "PURCHASE_APPROVED" }', '{"hottok":"[redacted]","event":"PURCHASE_APPROVED"}'],
    // JSON escapes in the key: JSON.parse reads "hottok" in each (the text-based redaction missed them)
    [`{"hott\\u006fk":"${SECRET}","id":"d49b"}`, '{"hottok":"[redacted]","id":"d49b"}'],
    [`{"\\u0068\\u006f\\u0074\\u0074\\u006f\\u006b":"${SECRET}"}`, '{"hottok":"[redacted]"}'],
    // escapes in the value, a non-string value, a different case, nested, repeated (JSON.parse keeps the last)
    [`{"hottok":"\\u0079sewXlAZI1iHdUFqC4ZcV1J5RLhiVe518471"}`, '{"hottok":"[redacted]"}'],
    [`{"hottok":{"value":"${SECRET}"}}`, '{"hottok":"[redacted]"}'],
    [`{"HotTok":"${SECRET}"}`, '{"HotTok":"[redacted]"}'],
    [`{"data":[{"hottok":"${SECRET}"}]}`, '{"data":[{"hottok":"[redacted]"}]}'],
    [`{"hottok":"decoy","hott\\u006fk":"${SECRET}"}`, '{"hottok":"[redacted]"}'],
  ])('%s', (body, expected) => {
    expect(redact(body)).toBe(expected);
  });

  it.each([
    ['no secret: the bytes are kept exactly', '{ "id" : "no secret here",\n  "n": 1.50 }'],
    ['the word in a value is not a member', '{"note":"\\"hottok\\": is the old field"}'],
    ['not JSON', 'hottok=abc&id=1'],
  ])('%s', (_name, body) => {
    const bytes = Buffer.from(body);
    expect(redactHotmartBody(bytes)).toBe(bytes);
  });

  it('leaves bytes that are not UTF-8 untouched when they carry no hottok', () => {
    const bytes = Buffer.from([0x22, 0xff, 0x22]);
    expect(redactHotmartBody(bytes)).toBe(bytes);
  });

  it('finds the hottok in a body that is not UTF-8 (the event story decodes such bodies leniently)', () => {
    const bytes = Buffer.concat([Buffer.from(`{"hott\\u006fk":"${SECRET}","x":"`), Buffer.from([0xff]), Buffer.from('"}')]);
    expect(redactHotmartBody(bytes).toString('utf8')).not.toContain(SECRET);
  });

  it('a body nested 100,000 deep is redacted without overflowing the stack', () => {
    const depth = 100_000;
    const body = `{"hottok":"${SECRET}","deep":${'['.repeat(depth)}${']'.repeat(depth)}}`;
    const redacted = redact(body);
    expect(redacted).toBe(`{"hottok":"[redacted]","deep":${'['.repeat(depth)}${']'.repeat(depth)}}`);
  });

  it('a replay parses the redacted body to the same delivery (the parser reads the parsed document too)', () => {
    const sale = {
      hottok: SECRET,
      id: 'd49b',
      creation_date: 1766000000000,
      event: 'PURCHASE_APPROVED',
      version: '2.0.0',
      data: {
        product: { id: 1, name: 'Curso \u00e7 \ud83d\ude00' },
        buyer: { email: 'maria@example.com', name: 'Maria Souza' },
        purchase: { transaction: 'HP1', status: 'APPROVED', approved_date: 1766000000000, price: { value: 197.5, currency_value: 'BRL' }, origin: { sck: 'sid_1' } },
      },
    };
    const escaped = JSON.stringify(sale, null, 2).replace('"hottok"', '"hott\\u006fk"');
    const redacted = redactHotmartBody(Buffer.from(escaped));
    expect(redacted.toString('utf8')).not.toContain(SECRET);
    expect(parseHotmartWebhook(buildWebhookRequest(redacted))).toEqual(parseHotmartWebhook(buildWebhookRequest(escaped)));
  });

  it('property: whatever the document, the stored body parses to it with every hottok replaced, and no secret survives', () => {
    const secret = fc.string({ minLength: 8 }).map((s) => `SECRET<${s}>`);
    // Every way to write the key that JSON.parse reads as "hottok" (or its capitals).
    const hottokKey = fc.constantFrom('"hottok"', '"hott\\u006fk"', '"\\u0068ottok"', '"HOTTOK"', '"hot\\u0074ok"');
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), fc.array(fc.tuple(fc.nat(), hottokKey, secret), { maxLength: 3 }), (document, insertions) => {
        const body = insertHottoks(document, insertions);
        const expected = replaceHottoks(JSON.parse(body));
        const stored = redact(body);
        expect(JSON.parse(stored)).toEqual(expected);
        for (const [, , s] of insertions) expect(stored).not.toContain(JSON.stringify(s).slice(1, -1));
      }),
      { seed: 15, numRuns: 300 },
    );
  });
});

/** The document's JSON with `"<key>":"<secret>",` inserted after the n-th "{" of the text. */
function insertHottoks(document: unknown, insertions: Array<[number, string, string]>): string {
  let text = JSON.stringify({ wrapper: document });
  for (const [pick, key, secret] of insertions) {
    const braces = [...text.matchAll(/\{/g)].map((m) => m.index).filter((i) => !insideString(text, i));
    const at = braces[pick % braces.length]! + 1;
    text = `${text.slice(0, at)}${key}:${JSON.stringify(secret)}${text[at] === '}' ? '' : ','}${text.slice(at)}`;
  }
  return text;
}

function insideString(text: string, index: number): boolean {
  let inside = false;
  for (let i = 0; i < index; i++) {
    if (text[i] === '\\' && inside) i++;
    else if (text[i] === '"') inside = !inside;
  }
  return inside;
}

function replaceHottoks(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(replaceHottoks);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, k.toLowerCase() === 'hottok' ? '[redacted]' : replaceHottoks(v)]));
  }
  return value;
}
