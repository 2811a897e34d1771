// Guards the two promises every gateway makes whatever arrives on the wire: parse and verify
// never throw, and a signature made for one body never verifies another.
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { gatewayNames, gatewayRegistry } from './index.ts';
import type { GatewaySecrets, WebhookRequest } from './types.ts';

const secretsFor: { [G in keyof GatewaySecrets]: fc.Arbitrary<GatewaySecrets[G]> } = {
  hotmart: fc.record({ hottok: fc.string() }),
  kiwify: fc.record({ token: fc.string() }),
  stripe: fc.record({ webhookSecrets: fc.array(fc.string(), { maxLength: 3 }) }),
  eduzz: fc.record({ webhookSecrets: fc.array(fc.string(), { maxLength: 3 }) }),
};

const headerValue = fc.oneof(fc.string(), fc.array(fc.string(), { maxLength: 3 }), fc.constant(undefined));
const headerNames = fc.oneof(fc.constantFrom('x-hotmart-hottok', 'stripe-signature', 'x-signature', 'content-type', 'authorization'), fc.string());

const arbitraryRequest: fc.Arbitrary<WebhookRequest> = fc.record({
  rawBody: fc.oneof(
    fc.uint8Array({ maxLength: 512 }).map((bytes) => Buffer.from(bytes)),
    fc.json().map((text) => Buffer.from(text)),
    fc.jsonValue().map((value) => Buffer.from(JSON.stringify(value) ?? 'null')),
  ),
  headers: fc.dictionary(headerNames, headerValue),
  query: fc.dictionary(fc.oneof(fc.constant('signature'), fc.string()), fc.oneof(fc.string(), fc.constant(undefined))),
  receivedAt: fc.oneof(fc.date(), fc.constant(new Date(Number.NaN))),
});

function fixtureBodies(gateway: string): object[] {
  const dir = new URL(`./${gateway}/fixtures/`, import.meta.url);
  return readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .map((file) => JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as object);
}

/** A fixture with one value somewhere replaced by something of another type. */
function mutatedFixture(gateway: string): fc.Arbitrary<Buffer> {
  const bodies = fixtureBodies(gateway);
  return fc.tuple(fc.constantFrom(...bodies), fc.nat(), fc.jsonValue()).map(([body, pick, replacement]) => {
    const copy = structuredClone(body) as Record<string, unknown>;
    const containers: Array<Record<string, unknown> | unknown[]> = [];
    const walk = (node: unknown): void => {
      if (node !== null && typeof node === 'object') {
        containers.push(node as Record<string, unknown>);
        for (const child of Object.values(node)) walk(child);
      }
    };
    walk(copy);
    const target = containers[pick % containers.length] as Record<string, unknown>;
    const keys = Object.keys(target);
    if (keys.length > 0) target[keys[pick % keys.length]!] = replacement;
    return Buffer.from(JSON.stringify(copy));
  });
}

describe.each(gatewayNames)('%s: never throws', (name) => {
  const gateway = gatewayRegistry[name];

  it('parse returns a result for arbitrary requests', () => {
    fc.assert(fc.property(arbitraryRequest, (req) => {
      const result = gateway.parse(req);
      expect(typeof result.ok).toBe('boolean');
    }), { numRuns: 300 });
  });

  it('parse returns a result for fixtures with a value of the wrong type', () => {
    fc.assert(fc.property(mutatedFixture(name), (rawBody) => {
      const result = gateway.parse({ rawBody, headers: {}, query: {}, receivedAt: new Date() });
      expect(typeof result.ok).toBe('boolean');
      if (result.ok) for (const conversion of result.conversions) expect(Number.isNaN(Date.parse(conversion.occurredAt))).toBe(false);
    }), { numRuns: 300 });
  });

  it('verify returns a result for arbitrary requests and secrets', () => {
    fc.assert(fc.property(arbitraryRequest, secretsFor[name] as fc.Arbitrary<never>, (req, secrets) => {
      const result = gateway.verify(req, secrets);
      expect(typeof result.ok).toBe('boolean');
    }), { numRuns: 300 });
  });

  it('redaction returns strings and hides signatures', () => {
    fc.assert(fc.property(arbitraryRequest, (req) => {
      const headers = gateway.redactHeaders({ ...req.headers, 'stripe-signature': 't=1,v1=ab', 'x-hotmart-hottok': 'secret', 'x-signature': 'ab' });
      expect(headers['stripe-signature']).toBe('[redacted]');
      expect(headers['x-hotmart-hottok']).toBe('[redacted]');
      expect(headers['x-signature']).toBe('[redacted]');
      for (const name of gateway.secretNames.headers) expect(gateway.redactHeaders({ [name]: 'secret' })[name]).toBe('[redacted]');
      expect(gateway.redactQuery({ ...req.query, signature: 'abc' })['signature']).toBe('[redacted]');
      expect(Buffer.isBuffer(gateway.redactRawBody(req.rawBody))).toBe(true);
    }), { numRuns: 100 });
  });
});

describe('a signature for one body never verifies another', () => {
  const twoBodies = fc.tuple(fc.uint8Array({ maxLength: 256 }), fc.uint8Array({ maxLength: 256 }))
    .filter(([a, b]) => !Buffer.from(a).equals(Buffer.from(b)));

  it('kiwify', () => {
    fc.assert(fc.property(twoBodies, fc.string({ minLength: 1 }), ([signed, sent], token) => {
      const signature = createHmac('sha1', token).update(Buffer.from(signed)).digest('hex');
      const req = { rawBody: Buffer.from(sent), headers: {}, query: { signature }, receivedAt: new Date() };
      expect(gatewayRegistry.kiwify.verify(req, { token }).ok).toBe(false);
    }), { numRuns: 500 });
  });

  it('stripe', () => {
    // Stripe signs the body as a string; what it signs is that string's UTF-8 bytes.
    const receivedAt = new Date('2026-03-01T12:00:00Z');
    const signedAndSent = fc.tuple(
      fc.string({ unit: 'binary', maxLength: 128 }),
      fc.oneof(fc.uint8Array({ maxLength: 256 }).map((bytes) => Buffer.from(bytes)), fc.string({ unit: 'binary', maxLength: 128 }).map((text) => Buffer.from(text, 'utf8'))),
    ).filter(([signed, sent]) => !Buffer.from(signed, 'utf8').equals(sent));
    fc.assert(fc.property(signedAndSent, ([signed, sent]) => {
      const secret = 'whsec_property';
      const header = Stripe.webhooks.generateTestHeaderString({ payload: signed, secret, timestamp: Math.floor(receivedAt.getTime() / 1000) });
      const req = { rawBody: sent, headers: { 'stripe-signature': header }, query: {}, receivedAt };
      expect(gatewayRegistry.stripe.verify(req, { webhookSecrets: [secret] }).ok).toBe(false);
    }), { numRuns: 500 });
  });

  it('eduzz', () => {
    fc.assert(fc.property(twoBodies, fc.string({ minLength: 1 }).filter((key) => key.trim() !== ''), ([signed, sent], key) => {
      const signature = createHmac('sha256', key.trim()).update(Buffer.from(signed)).digest('hex');
      const req = { rawBody: Buffer.from(sent), headers: { 'x-signature': signature }, query: {}, receivedAt: new Date() };
      expect(gatewayRegistry.eduzz.verify(req, { webhookSecrets: [key] }).ok).toBe(false);
      expect(gatewayRegistry.eduzz.verify({ ...req, rawBody: Buffer.from(signed) }, { webhookSecrets: [key] }).ok).toBe(true);
    }), { numRuns: 500 });
  });

  it('hotmart has no body signature: only the hottok decides', () => {
    fc.assert(fc.property(fc.string(), fc.string(), (presented, hottok) => {
      fc.pre(presented.trim() !== hottok.trim());
      const req = { rawBody: Buffer.from('{}'), headers: { 'x-hotmart-hottok': presented }, query: {}, receivedAt: new Date() };
      expect(gatewayRegistry.hotmart.verify(req, { hottok }).ok).toBe(false);
    }), { numRuns: 500 });
  });
});
