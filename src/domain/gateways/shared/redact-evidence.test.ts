// Guards evidence copies: secrets and signatures never reach storage, everything else does.
import { describe, expect, it } from 'vitest';
import { REDACTED, redactHeaders, redactQuery } from './redact-evidence.ts';

describe('redactHeaders', () => {
  it('redacts authenticators and keeps the rest, flattening repeated headers', () => {
    expect(redactHeaders({
      'x-hotmart-hottok': 'abc',
      'stripe-signature': 't=1,v1=ff',
      authorization: 'Bearer x',
      cookie: 'a=b',
      'x-api-token': 't',
      'content-type': 'application/json',
      'user-agent': 'Stripe/1.0',
      'x-forwarded-for': ['1.1.1.1', '2.2.2.2'],
      'x-empty': undefined,
    })).toEqual({
      'x-hotmart-hottok': REDACTED,
      'stripe-signature': REDACTED,
      authorization: REDACTED,
      cookie: REDACTED,
      'x-api-token': REDACTED,
      'content-type': 'application/json',
      'user-agent': 'Stripe/1.0',
      'x-forwarded-for': '1.1.1.1, 2.2.2.2',
    });
  });
});

describe('redactQuery', () => {
  it("redacts Kiwify's signature and keeps the tenant", () => {
    expect(redactQuery({ tenant: 'ten_1', signature: 'de7c9b85', other: undefined })).toEqual({ tenant: 'ten_1', signature: REDACTED });
  });
});
