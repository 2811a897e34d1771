// Every gateway the hub speaks, by the name used in /webhooks/{gateway} and /connections/{gateway}.
// Adding a gateway is one folder and one line here: GatewayName and GatewaySecrets are derived from this
// object (types.ts), a module registered under another name than its own is a compile error, and
// test/gateway-registry.test.ts fails for any list the new name does not reach at run time.
import { eduzzGateway } from './eduzz/index.ts';
import { hotmartGateway } from './hotmart/index.ts';
import { kiwifyGateway } from './kiwify/index.ts';
import { stripeGateway } from './stripe/index.ts';
import type { GatewayDefinition, GatewayModule, GatewayName } from './types.ts';

/** Each entry must be a module whose `name` is its key. */
const registry = <R extends { readonly [K in keyof R]: GatewayDefinition<K & string, unknown> }>(modules: R): R => modules;

export const gatewayRegistry = registry({
  hotmart: hotmartGateway,
  kiwify: kiwifyGateway,
  stripe: stripeGateway,
  eduzz: eduzzGateway,
});

export const gatewayNames = Object.keys(gatewayRegistry) as GatewayName[];

export function isGatewayName(name: string): name is GatewayName {
  return Object.hasOwn(gatewayRegistry, name);
}

/** The module for a name taken from a URL; undefined for anything unknown (never a prototype member). */
export function getGateway(name: string): GatewayModule | undefined {
  return isGatewayName(name) ? (gatewayRegistry[name] as GatewayModule) : undefined;
}
