// Guards what may leave for Sentry: request bodies, cookies, most headers, e-mails, phones and tokens never do.
import { describe, expect, it } from 'vitest';
import type { ErrorEvent } from '@sentry/node';
import { scrubEvent, scrubString } from './error-reporting.ts';

describe('scrubString', () => {
  it.each([
    ['buyer Maria.Souza+1@Example.com.br refused', 'buyer [email] refused'],
    ['phone (11) 99999-8888 and +55 11 98888-7777', 'phone [phone] and [phone]'],
    ['Meta said (#190) for EAABsbCS1iHgBAKZCZB0ZBxyz123456789', 'Meta said (#190) for [token]'],
    ['key hub_sk_0123456789abcdef leaked', 'key [token] leaked'],
    ['stripe whsec_abcdefghijklmnop and sk_live_abcdefghijkl', 'stripe [token] and [token]'],
    ['Authorization: Bearer abc.def.ghi', 'Authorization: [token]'],
    ['GET /x?access_token=abc123&x=1', 'GET /x?access_token=[token]&x=1'],
    ['{"hottok":"s3cr3t-value"}', '{"hottok":"[token]"}'],
    ['hash 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08', 'hash [redacted]'],
    // What explains a failure stays: ids, dates, codes, short numbers.
    ['event evt_0123456789abcdef0123456789abcdef of ten_fedcba9876543210fedcba9876543210 on 2026-11-29', 'event evt_0123456789abcdef0123456789abcdef of ten_fedcba9876543210fedcba9876543210 on 2026-11-29'],
    ['Meta error code 100 subcode 2804003, HTTP 400', 'Meta error code 100 subcode 2804003, HTTP 400'],
  ])('%s', (input, expected) => {
    expect(scrubString(input)).toBe(expected);
  });
});

describe('scrubEvent', () => {
  it('keeps the method, path and safe headers of a request; drops body, cookies, query, user and breadcrumbs', () => {
    const event = {
      type: undefined,
      message: 'failed for ana@example.com',
      user: { email: 'ana@example.com', ip_address: '177.10.20.30' },
      breadcrumbs: [{ message: 'ana@example.com' }],
      request: {
        method: 'POST',
        url: 'https://hub.example.com/api/v1/webhooks/kiwify?tenant=ten_1&signature=abc',
        data: '{"email":"ana@example.com"}',
        cookies: { session: 'x' },
        query_string: 'signature=abc',
        headers: { 'content-type': 'application/json', authorization: 'Bearer hub_sk_x', cookie: 'a=b', 'x-request-id': 'req_1', 'x-hotmart-hottok': 'h' },
      },
      exception: { values: [{ type: 'Error', value: 'duplicate key (11) 99999-8888' }] },
      extra: { reason: 'invalid e-mail ana@example.com', nested: { token: 'EAAB0123456789abcdefXYZ' } },
    } as unknown as ErrorEvent;
    const out = scrubEvent(event);
    expect(out.request).toEqual({ method: 'POST', url: 'https://hub.example.com/api/v1/webhooks/kiwify', headers: { 'content-type': 'application/json', 'x-request-id': 'req_1' } });
    expect(out.user).toBeUndefined();
    expect(out.breadcrumbs).toBeUndefined();
    const text = JSON.stringify(out);
    expect(text).not.toMatch(/ana@example\.com|99999-8888|EAAB0123|hub_sk_|hottok|signature=/);
    expect(out.exception?.values?.[0]?.value).toBe('duplicate key [phone]');
  });
});
