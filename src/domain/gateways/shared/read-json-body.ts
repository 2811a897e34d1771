// Raw body -> JSON value without throwing. Invalid UTF-8 is rejected rather than replaced, so
// the stored bytes and the parsed meaning can never disagree.
import type { JsonRecord } from './json-value.ts';
import { asRecord } from './json-value.ts';

export type ReadJsonResult = { ok: true; value: JsonRecord } | { ok: false; reason: string };

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

export function decodeUtf8Strict(bytes: Uint8Array): string | undefined {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return undefined;
  }
}

export function readJsonObjectBody(rawBody: Buffer): ReadJsonResult {
  if (rawBody.length === 0) return { ok: false, reason: 'empty body' };
  const text = decodeUtf8Strict(rawBody);
  if (text === undefined) return { ok: false, reason: 'body is not valid UTF-8' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'body is not JSON' };
  }
  const record = asRecord(parsed);
  if (!record) return { ok: false, reason: 'body is JSON but not an object' };
  return { ok: true, value: record };
}
