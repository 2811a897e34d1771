// Guards Eduzz's HMAC-SHA256 check: only the raw body signed with one of the tenant's keys passes.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildWebhookRequest, readFixture } from '../shared/build-webhook-request.ts';
import { verifyEduzzSignature } from './verify-eduzz-signature.ts';

const key = 'edzk_9f8e7d6c5b4a39f8e7d6c5b4a3';
const body = readFixture(new URL('./fixtures/invoice-paid.json', import.meta.url));
const sign = (secret: string, message: string): string => createHmac('sha256', secret).update(message).digest('hex');

describe('verifyEduzzSignature', () => {
  it('uses HMAC-SHA256 hex (independent vector: key "key", the quick brown fox)', () => {
    const message = 'The quick brown fox jumps over the lazy dog';
    const req = buildWebhookRequest(message, { headers: { 'x-signature': 'f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8' } });
    expect(verifyEduzzSignature(req, { webhookSecrets: ['key'] })).toEqual({ ok: true });
  });

  const cases: Array<{ name: string; headers: Record<string, string | string[]>; body?: string; keys?: string[]; ok: boolean; reason?: RegExp }> = [
    { name: 'valid signature over the raw body', headers: { 'x-signature': sign(key, body) }, ok: true },
    { name: 'upper-case hex is the same signature', headers: { 'x-signature': sign(key, body).toUpperCase() }, ok: true },
    { name: 'surrounding spaces are ignored', headers: { 'x-signature': ` ${sign(key, body)} ` }, ok: true },
    { name: 'either key while a configuration moves to a new one', headers: { 'x-signature': sign('old-key', body) }, keys: ['old-key', key], ok: true },
    { name: 'wrong key', headers: { 'x-signature': sign('other-key', body) }, ok: false, reason: /does not match/ },
    { name: 'tampered body', headers: { 'x-signature': sign(key, body) }, body: body.replace('301.5', '3.5'), ok: false, reason: /does not match/ },
    { name: 're-serialized JSON does not match', headers: { 'x-signature': sign(key, JSON.stringify(JSON.parse(body))) }, ok: false },
    { name: 'missing header', headers: {}, ok: false, reason: /missing x-signature/ },
    { name: 'empty header', headers: { 'x-signature': '' }, ok: false, reason: /missing x-signature/ },
    { name: 'header repeated', headers: { 'x-signature': [sign(key, body), sign(key, body)] }, ok: false, reason: /missing x-signature/ },
    { name: 'not hex', headers: { 'x-signature': 'z'.repeat(64) }, ok: false },
    { name: 'base64 instead of hex', headers: { 'x-signature': createHmac('sha256', key).update(body).digest('base64') }, ok: false },
    { name: 'wrong length (sha1)', headers: { 'x-signature': createHmac('sha1', key).update(body).digest('hex') }, ok: false },
    { name: 'signed with an empty key', headers: { 'x-signature': sign('', body) }, keys: [''], ok: false, reason: /no Eduzz secret key/ },
    { name: 'no key configured', headers: { 'x-signature': sign(key, body) }, keys: [], ok: false, reason: /no Eduzz secret key/ },
  ];

  it.each(cases)('$name', (testCase) => {
    const req = buildWebhookRequest(testCase.body ?? body, { headers: testCase.headers });
    const result = verifyEduzzSignature(req, { webhookSecrets: testCase.keys ?? [key] });
    expect(result.ok).toBe(testCase.ok);
    if (!result.ok) {
      expect(result.reason).toMatch(testCase.reason ?? /./);
      expect(result.reason).not.toContain(key);
    }
  });
});
