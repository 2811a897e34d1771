// Node gives a header as string | string[] | undefined; a signature header repeated is suspicious,
// so callers get the single value or nothing.
import type { WebhookRequest } from '../types.ts';

export function singleHeader(headers: WebhookRequest['headers'], lowerCaseName: string): string | undefined {
  const value = headers[lowerCaseName];
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.length === 1) return value[0];
  return undefined;
}
