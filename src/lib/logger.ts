// pino JSON logs. Secrets and buyers' personal data are redacted by path, and request logs carry the
// path without its query string (Kiwify signs with ?signature=…). Bodies are never logged. Each gateway
// module names its own secret headers and fields (`secretNames`), so a new gateway's are redacted too.
import pino, { type DestinationStream, type Logger } from 'pino';
import { gatewayRegistry } from '../domain/gateways/gateway-registry.ts';

export type { Logger };

const gateways = Object.values(gatewayRegistry);
const SECRET_HEADERS = [...new Set(['authorization', 'cookie', 'x-hub-public-key', ...gateways.flatMap((g) => g.secretNames.headers)])];

const SENSITIVE_KEYS = [
  ...new Set([
    ...SECRET_HEADERS,
    'accessToken', 'access_token', 'secretKey', 'token', 'password',
    ...gateways.flatMap((g) => g.secretNames.fields),
    'email', 'phone', 'em', 'ph', 'fn', 'ln', 'firstName', 'lastName', 'document', 'cpf', 'buyer', 'user', 'user_data',
  ]),
];

export const REDACT_PATHS = [
  ...SENSITIVE_KEYS.map((k) => `["${k}"]`),
  ...SENSITIVE_KEYS.map((k) => `*["${k}"]`),
  ...SENSITIVE_KEYS.map((k) => `*.*["${k}"]`),
  ...SECRET_HEADERS.map((h) => `req.headers["${h}"]`),
];

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: {
        req(req: { method?: string; url?: string; id?: string }) {
          return { id: req.id, method: req.method, path: req.url?.split('?')[0] };
        },
        err: pino.stdSerializers.err,
      },
    },
    destination,
  );
}
