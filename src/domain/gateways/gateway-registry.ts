// Every gateway the hub speaks, by the name used in /webhooks/{gateway}. Adding a gateway is one
// folder and one line here; the mapped type makes a missing or misnamed entry a compile error.
import { hotmartGateway } from './hotmart/index.ts';
import { kiwifyGateway } from './kiwify/index.ts';
import { stripeGateway } from './stripe/index.ts';
import type { GatewayModule, GatewayName } from './types.ts';

export const gatewayRegistry: { readonly [G in GatewayName]: GatewayModule<G> } = {
  hotmart: hotmartGateway,
  kiwify: kiwifyGateway,
  stripe: stripeGateway,
};

export const gatewayNames = Object.keys(gatewayRegistry) as GatewayName[];

export function isGatewayName(name: string): name is GatewayName {
  return Object.hasOwn(gatewayRegistry, name);
}

/** The module for a name taken from a URL; undefined for anything unknown (never a prototype member). */
export function getGateway(name: string): GatewayModule | undefined {
  return isGatewayName(name) ? gatewayRegistry[name] : undefined;
}
