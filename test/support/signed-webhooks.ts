// Builds gateway deliveries signed exactly as each gateway signs them, from the published fixtures
// in src/domain/gateways/*/fixtures. Used by route tests, end-to-end tests and benchmarks. One signer
// per registered gateway: the mapped type makes a gateway without its signer a compile error.
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import Stripe from 'stripe';
import { gatewayRegistry } from '../../src/domain/gateways/gateway-registry.ts';
import type { GatewayName, GatewaySecrets } from '../../src/domain/gateways/types.ts';

export interface SignedDelivery {
  url: string;
  headers: Record<string, string>;
  body: string;
}

const fixturesDir = new URL('../../src/domain/gateways/', import.meta.url);

export function gatewayFixture(gateway: GatewayName, name: string): Record<string, unknown> {
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

/** Eduzz: `x-signature` = hex HMAC-SHA256 of the body with the configuration's secret key. */
export function signedEduzz(tenantId: string, secretKey: string, payload: unknown): SignedDelivery {
  const body = JSON.stringify(payload);
  return {
    url: `/api/v1/webhooks/eduzz?tenant=${tenantId}`,
    headers: { 'content-type': 'application/json', 'x-signature': createHmac('sha256', secretKey).update(body).digest('hex') },
    body,
  };
}

/** Signs a payload for a tenant with the secrets a connection of that gateway sealed (the newest one, where several). */
export const webhookSigners: { readonly [G in GatewayName]: (tenantId: string, secrets: GatewaySecrets[G], payload: unknown) => SignedDelivery } = {
  hotmart: (tenantId, secrets, payload) => signedHotmart(tenantId, secrets.hottok, payload),
  kiwify: (tenantId, secrets, payload) => signedKiwify(tenantId, secrets.token, payload),
  stripe: (tenantId, secrets, payload) => signedStripe(tenantId, secrets.webhookSecrets.at(-1)!, payload),
  eduzz: (tenantId, secrets, payload) => signedEduzz(tenantId, secrets.webhookSecrets.at(-1)!, payload),
};

/**
 * A delivery of `payload` signed for a connection made with `connectionBody` (the body of PUT
 * /api/v1/connections/{gateway}): the secrets are what that gateway's module seals from it.
 */
export function signedWebhook(gateway: GatewayName, tenantId: string, connectionBody: unknown, payload: unknown): SignedDelivery {
  const connection = gatewayRegistry[gateway].connection;
  const { secret } = connection.secretOf(connection.body.parse(connectionBody));
  const sign = webhookSigners[gateway] as (tenantId: string, secrets: unknown, payload: unknown) => SignedDelivery;
  return sign(tenantId, secret, payload);
}
