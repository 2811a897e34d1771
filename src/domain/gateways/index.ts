// Front door of the gateways domain: the shared shapes and the registry. Gateway internals stay
// behind their folders.
export type {
  Buyer,
  ConversionKind,
  GatewayConnection,
  GatewayDefinition,
  GatewayModule,
  GatewayName,
  GatewaySecrets,
  NormalizedConversion,
  ParseResult,
  Tracking,
  VerifyResult,
  WebhookRequest,
} from './types.ts';
export { gatewayNames, gatewayRegistry, getGateway, isGatewayName } from './gateway-registry.ts';
