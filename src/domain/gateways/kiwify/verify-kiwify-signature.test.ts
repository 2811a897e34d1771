// Guards Kiwify's HMAC-SHA1 check: only the raw body signed with the tenant's token passes.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildWebhookRequest, readFixture } from '../shared/build-webhook-request.ts';
import { verifyKiwifySignature } from './verify-kiwify-signature.ts';

const token = 'pe6r1p77lvt';
const body = readFixture(new URL('./fixtures/order-approved.json', import.meta.url));
const sign = (key: string, message: string): string => createHmac('sha1', key).update(message).digest('hex');

describe('verifyKiwifySignature', () => {
  it('uses HMAC-SHA1 hex (independent vector: key "key", the quick brown fox)', () => {
    const message = 'The quick brown fox jumps over the lazy dog';
    const req = buildWebhookRequest(message, { query: { signature: 'de7c9b85b8b78aa6bc8a7a36f70a90701c9db4d9' } });
    expect(verifyKiwifySignature(req, { token: 'key' })).toEqual({ ok: true });
  });

  const cases: Array<{ name: string; query: Record<string, string | undefined>; body?: string; token?: string; ok: boolean; reason?: RegExp }> = [
    { name: 'valid signature over the raw body', query: { signature: sign(token, body) }, ok: true },
    { name: 'upper-case hex is the same signature', query: { signature: sign(token, body).toUpperCase() }, ok: true },
    { name: 'wrong token', query: { signature: sign('other-token', body) }, ok: false, reason: /does not match/ },
    { name: 'tampered body', query: { signature: sign(token, body) }, body: body.replace('5298', '5299'), ok: false, reason: /does not match/ },
    { name: 're-serialized JSON does not match', query: { signature: sign(token, JSON.stringify(JSON.parse(body))) }, ok: false },
    { name: 'missing signature', query: {}, ok: false, reason: /missing signature/ },
    { name: 'not hex', query: { signature: 'z'.repeat(40) }, ok: false },
    { name: 'wrong length (sha256)', query: { signature: createHmac('sha256', token).update(body).digest('hex') }, ok: false },
    { name: 'no token configured', query: { signature: sign('', body) }, token: '', ok: false, reason: /no Kiwify webhook token/ },
  ];

  it.each(cases)('$name', (testCase) => {
    const req = buildWebhookRequest(testCase.body ?? body, { query: testCase.query });
    const result = verifyKiwifySignature(req, { token: testCase.token ?? token });
    expect(result.ok).toBe(testCase.ok);
    if (!result.ok) {
      expect(result.reason).toMatch(testCase.reason ?? /./);
      expect(result.reason).not.toContain(token);
    }
  });

  describe('{url, signature, order} wrapper [unconfirmed variant]', () => {
    const wrapped = JSON.parse(readFixture(new URL('./fixtures/wrapped-order-approved.json', import.meta.url))) as { order: unknown; signature: string };

    it('accepts a body signature over JSON.stringify(order) when the query has none', () => {
      const signed = JSON.stringify({ ...wrapped, signature: sign(token, JSON.stringify(wrapped.order)) });
      expect(verifyKiwifySignature(buildWebhookRequest(signed), { token })).toEqual({ ok: true });
    });

    it('rejects a body signature made with another token', () => {
      const signed = JSON.stringify({ ...wrapped, signature: sign('other', JSON.stringify(wrapped.order)) });
      expect(verifyKiwifySignature(buildWebhookRequest(signed), { token })).toMatchObject({ ok: false, reason: /wrapped order/ });
    });

    it('the query signature, when present, is the only one considered', () => {
      const signed = JSON.stringify({ ...wrapped, signature: sign(token, JSON.stringify(wrapped.order)) });
      const req = buildWebhookRequest(signed, { query: { signature: sign('other', signed) } });
      expect(verifyKiwifySignature(req, { token }).ok).toBe(false);
    });
  });
});
