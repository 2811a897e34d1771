// Guards raw evidence: a legacy Hotmart body must not store the account hottok.
import { describe, expect, it } from 'vitest';
import { redactHotmartBody } from './redact-hotmart-body.ts';

describe('redactHotmartBody', () => {
  it.each([
    ['{"hottok":"ysewXlAZI1iHdUFqC4ZcV1J5RLhiVe518471","id":"d49b"}', '{"hottok":"[redacted]","id":"d49b"}'],
    ['{ "hottok" : "a\\"b", "event": "PURCHASE_APPROVED" }', '{ "hottok" : "[redacted]", "event": "PURCHASE_APPROVED" }'],
    ['{"id":"no secret here"}', '{"id":"no secret here"}'],
  ])('%s', (body, expected) => {
    expect(redactHotmartBody(Buffer.from(body)).toString('utf8')).toBe(expected);
  });

  it('leaves bytes that are not UTF-8 untouched', () => {
    const bytes = Buffer.from([0x22, 0xff, 0x22]);
    expect(redactHotmartBody(bytes)).toBe(bytes);
  });

  it('the redacted body parses to the same event without the secret', () => {
    const body = JSON.stringify({ hottok: 'secret', id: 'x', event: 'PURCHASE_APPROVED', data: { purchase: { transaction: 'HP1' } } });
    const redacted = JSON.parse(redactHotmartBody(Buffer.from(body)).toString('utf8')) as Record<string, unknown>;
    expect(redacted).toEqual({ ...JSON.parse(body), hottok: '[redacted]' });
  });
});
