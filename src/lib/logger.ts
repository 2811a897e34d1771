// pino JSON logs. Secrets and buyers' personal data are redacted by path, and request logs carry the
// path without its query string (Kiwify signs with ?signature=…). Bodies are never logged.
import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger };

const SENSITIVE_KEYS = [
  'authorization', 'cookie', 'x-hotmart-hottok', 'stripe-signature', 'x-hub-public-key',
  'accessToken', 'access_token', 'secretKey', 'token', 'hottok', 'webhookSecret', 'webhookSecrets', 'password',
  'email', 'phone', 'em', 'ph', 'fn', 'ln', 'firstName', 'lastName', 'document', 'cpf', 'buyer', 'user', 'user_data',
];

export const REDACT_PATHS = [
  ...SENSITIVE_KEYS.map((k) => `*["${k}"]`),
  ...SENSITIVE_KEYS.map((k) => `*.*["${k}"]`),
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-hotmart-hottok"]',
  'req.headers["stripe-signature"]',
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
