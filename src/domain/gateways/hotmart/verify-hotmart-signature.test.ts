// Guards the only authentication Hotmart offers: a forged or missing hottok must never pass.
import { describe, expect, it } from 'vitest';
import { buildWebhookRequest, readFixture } from '../shared/build-webhook-request.ts';
import { verifyHotmartSignature } from './verify-hotmart-signature.ts';

const body = readFixture(new URL('./fixtures/purchase-approved.json', import.meta.url));
const hottok = 'ysewXlAZI1iHdUFqC4ZcV1J5RLhiVe518471';

describe('verifyHotmartSignature', () => {
  const cases: Array<{ name: string; headers: Record<string, string | string[]>; body?: string; secret?: string; ok: boolean; reason?: RegExp }> = [
    { name: 'valid header', headers: { 'x-hotmart-hottok': hottok }, ok: true },
    { name: 'valid header with surrounding spaces', headers: { 'x-hotmart-hottok': ` ${hottok} ` }, ok: true },
    { name: 'wrong hottok', headers: { 'x-hotmart-hottok': `${hottok}x` }, ok: false, reason: /does not match/ },
    { name: 'prefix of the hottok', headers: { 'x-hotmart-hottok': hottok.slice(0, 10) }, ok: false, reason: /does not match/ },
    { name: 'missing header', headers: {}, ok: false, reason: /missing X-HOTMART-HOTTOK/ },
    { name: 'header repeated', headers: { 'x-hotmart-hottok': [hottok, hottok] }, ok: false, reason: /missing/ },
    { name: 'no hottok configured', headers: { 'x-hotmart-hottok': '' }, secret: '', ok: false, reason: /no Hotmart hottok is configured/ },
    // Legacy payloads carry "hottok" in the body (protocols.md §2).
    { name: 'legacy body hottok', headers: {}, body: JSON.stringify({ hottok, id: 'x', event: 'PURCHASE_APPROVED', data: {} }), ok: true },
    { name: 'legacy body hottok wrong', headers: {}, body: JSON.stringify({ hottok: 'nope', id: 'x' }), ok: false, reason: /does not match/ },
    { name: 'header wins over body', headers: { 'x-hotmart-hottok': 'wrong' }, body: JSON.stringify({ hottok }), ok: false },
  ];

  it.each(cases)('$name', (testCase) => {
    const req = buildWebhookRequest(testCase.body ?? body, { headers: testCase.headers });
    const result = verifyHotmartSignature(req, { hottok: testCase.secret ?? hottok });
    expect(result.ok).toBe(testCase.ok);
    if (!result.ok) {
      expect(result.reason).toMatch(testCase.reason ?? /./);
      expect(result.reason).not.toContain(hottok);
    }
  });
});
