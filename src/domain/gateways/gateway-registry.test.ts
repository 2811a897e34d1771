// Guards the registry: every gateway is reachable by its URL name and nothing else is.
import { describe, expect, it } from 'vitest';
import { gatewayNames, gatewayRegistry, getGateway } from './index.ts';

describe('gatewayRegistry', () => {
  it.each(gatewayNames)('%s is registered under its own name', (name) => {
    expect(gatewayRegistry[name].name).toBe(name);
    expect(getGateway(name)).toBe(gatewayRegistry[name]);
  });

  it('lists exactly the supported gateways', () => {
    expect([...gatewayNames].sort()).toEqual(['eduzz', 'hotmart', 'kiwify', 'stripe']);
  });

  it.each(['', 'HOTMART', 'paypal', '__proto__', 'constructor', 'toString', 'hotmart '])('getGateway(%j) is undefined', (name) => {
    expect(getGateway(name)).toBeUndefined();
  });
});
