// Builds gateway deliveries signed exactly as each gateway signs them, from the published fixtures
// in src/domain/gateways/*/fixtures. Used by route tests, end-to-end tests and benchmarks.
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import Stripe from 'stripe';

export interface SignedDelivery {
  url: string;
  headers: Record<string, string>;
  body: string;
}

const fixturesDir = new URL('../../src/domain/gateways/', import.meta.url);

export function gatewayFixture(gateway: 'hotmart' | 'kiwify' | 'stripe', name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`${gateway}/fixtures/${name}.json`, fixturesDir), 'utf8')) as Record<string, unknown>;
}

export function signedHotmart(tenantId: string, hottok: string, payload: unknown): SignedDelivery {
  return {
    url: `/api/v1/webhooks/hotmart?tenant=${tenantId}`,
    headers: { 'content-type': 'application/json', 'x-hotmart-hottok': hottok },
    body: JSON.stringify(payload),
  };
}

export function signedKiwify(tenantId: string, token: string, payload: unknown): SignedDelivery {
  const body = JSON.stringify(payload);
  const signature = createHmac('sha1', token).update(body).digest('hex');
  return {
    url: `/api/v1/webhooks/kiwify?tenant=${tenantId}&signature=${signature}`,
    headers: { 'content-type': 'application/json' },
    body,
  };
}

export function signedStripe(tenantId: string, secret: string, payload: unknown, timestamp = Math.floor(Date.now() / 1000)): SignedDelivery {
  const body = JSON.stringify(payload);
  return {
    url: `/api/v1/webhooks/stripe?tenant=${tenantId}`,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'stripe-signature': Stripe.webhooks.generateTestHeaderString({ payload: body, secret, timestamp }),
    },
    body,
  };
}
