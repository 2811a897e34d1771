// Guards Stripe-Signature checks: real HMACs from stripe.webhooks.generateTestHeaderString,
// secret rotation, several v1 in one header, and the 300 s tolerance against receivedAt, both ways.
import { createHmac } from 'node:crypto';
import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { buildWebhookRequest, readFixture } from '../shared/build-webhook-request.ts';
import { verifyStripeSignature } from './verify-stripe-signature.ts';

const payload = readFixture(new URL('./fixtures/checkout-session-completed-paid.json', import.meta.url));
const secret = 'whsec_test_current_0123456789abcdef';
const oldSecret = 'whsec_test_previous_fedcba9876543210';
const receivedAt = new Date('2026-03-01T12:00:00.000Z');
const now = Math.floor(receivedAt.getTime() / 1000);

function header(options: { secret?: string; timestamp?: number; payload?: string } = {}): string {
  return Stripe.webhooks.generateTestHeaderString({
    payload: options.payload ?? payload,
    secret: options.secret ?? secret,
    timestamp: options.timestamp ?? now - 5,
  });
}

const v1Of = (headerValue: string): string => headerValue.split(',').find((part) => part.startsWith('v1='))!;

function verify(headerValue: string | string[] | undefined, secrets: string[] = [secret], body: string = payload) {
  const headers = headerValue === undefined ? {} : { 'stripe-signature': headerValue };
  return verifyStripeSignature(buildWebhookRequest(body, { headers, receivedAt }), { webhookSecrets: secrets });
}

describe('verifyStripeSignature', () => {
  it.each([
    ['valid', () => verify(header()), true, undefined],
    ['signed exactly 300 s before arrival', () => verify(header({ timestamp: now - 300 })), true, undefined],
    ['signed 60 s after arrival (clocks differ a little)', () => verify(header({ timestamp: now + 60 })), true, undefined],
    ['signed exactly 300 s after arrival', () => verify(header({ timestamp: now + 300 })), true, undefined],
    ['future: 301 s after arrival (the library accepts it)', () => verify(header({ timestamp: now + 301 })), false, /more than 300 s ahead/],
    ['future: a year ahead, replayable all year otherwise', () => verify(header({ timestamp: now + 365 * 86_400 })), false, /more than 300 s ahead/],
    ['wrong secret', () => verify(header({ secret: 'whsec_someone_else' })), false, /no v1 signature matches/],
    ['tampered body', () => verify(header(), [secret], payload.replace('1099', '1')), false, /no v1 signature matches/],
    ['missing header', () => verify(undefined), false, /missing Stripe-Signature/],
    ['header repeated', () => verify([header(), header()]), false, /missing Stripe-Signature/],
    ['stale: 301 s before arrival', () => verify(header({ timestamp: now - 301 })), false, /more than 300 s older/],
    ['malformed header', () => verify('v1=abc'), false, /malformed/],
    ['only a v0 scheme', () => verify(`t=${now},v0=${v1Of(header()).slice(3)}`), false, /malformed/],
    ['no secret configured', () => verify(header(), []), false, /no Stripe webhook secret/],
    ['blank secret configured', () => verify(header(), ['  ']), false, /no Stripe webhook secret/],
    ['empty body', () => verify(header({ payload: '' }), [secret], ''), false, /empty or not valid UTF-8/],
  ])('%s', (_name, run, ok, reason) => {
    const result = run();
    expect(result.ok).toBe(ok);
    if (!result.ok) {
      expect(result.reason).toMatch(reason ?? /./);
      expect(result.reason).not.toContain('whsec_');
    }
  });

  it('a timestamp that is not a number is refused even when the HMAC over it matches (the library would pass its age check)', () => {
    const hmac = createHmac('sha256', secret).update(`NaN.${payload}`).digest('hex');
    expect(verify(`t=soon,v1=${hmac}`)).toEqual({ ok: false, reason: 'Stripe-Signature timestamp is not a number' });
  });

  it('the timestamp judged is the one the library signed over: the last t=', () => {
    const future = now + 3_600;
    const hmac = createHmac('sha256', secret).update(`${future}.${payload}`).digest('hex');
    expect(verify(`t=${now},t=${future},v1=${hmac}`)).toMatchObject({ ok: false, reason: /ahead/ });
  });

  it('rotation: two secrets configured, the second one matches', () => {
    expect(verify(header({ secret }), [oldSecret, secret])).toEqual({ ok: true });
    expect(verify(header({ secret: oldSecret }), [secret, oldSecret])).toEqual({ ok: true });
  });

  it('several v1 in one header (Stripe signs with both secrets while a rolled secret overlaps)', () => {
    const both = `t=${now - 5},${v1Of(header({ secret: oldSecret }))},${v1Of(header({ secret }))}`;
    expect(verify(both, [secret])).toEqual({ ok: true });
    expect(verify(both, [oldSecret])).toEqual({ ok: true });
    expect(verify(both, ['whsec_neither'])).toMatchObject({ ok: false });
  });

  it('age is judged against receivedAt, not the wall clock', () => {
    const signedLongAgo = header({ timestamp: Math.floor(Date.UTC(2020, 0, 1) / 1000) });
    const req = buildWebhookRequest(payload, { headers: { 'stripe-signature': signedLongAgo }, receivedAt: new Date(Date.UTC(2020, 0, 1, 0, 2)) });
    expect(verifyStripeSignature(req, { webhookSecrets: [secret] })).toEqual({ ok: true });
  });

  it('bytes that are not UTF-8 are refused even if signed as their lossy decoding', () => {
    const lossy = Buffer.from([0x7b, 0xff, 0x7d]); // "{\xff}" decodes leniently to "{\uFFFD}"
    const signature = header({ payload: '{\uFFFD}' });
    const req = buildWebhookRequest(lossy, { headers: { 'stripe-signature': signature }, receivedAt });
    expect(verifyStripeSignature(req, { webhookSecrets: [secret] })).toMatchObject({ ok: false, reason: /UTF-8/ });
  });
});
