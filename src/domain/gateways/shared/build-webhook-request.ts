// Test support: a WebhookRequest as the API layer would hand it over.
import { readFileSync } from 'node:fs';
import type { WebhookRequest } from '../types.ts';

export function buildWebhookRequest(
  body: string | Buffer,
  options: { headers?: WebhookRequest['headers']; query?: WebhookRequest['query']; receivedAt?: Date } = {},
): WebhookRequest {
  return {
    rawBody: typeof body === 'string' ? Buffer.from(body, 'utf8') : body,
    headers: { 'content-type': 'application/json', ...options.headers },
    query: options.query ?? {},
    receivedAt: options.receivedAt ?? new Date('2026-01-01T00:00:00.000Z'),
  };
}

/** Fixture bytes exactly as stored, so signatures are computed over what a gateway would send. */
export function readFixture(fileUrl: URL): string {
  return readFileSync(fileUrl, 'utf8');
}
