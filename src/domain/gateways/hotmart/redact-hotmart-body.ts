// Older Hotmart postbacks repeat the account secret in the body as "hottok" (protocols.md §2; see
// the 2.0.0 test send in igorxavier/videomachinepro jsonformat.py). The hottok is not a body
// signature, so blanking it in the stored copy loses nothing a replay needs.
//
// Redaction works on the parsed document, never on the text: JSON lets a key be written many ways
// ("hott\u006fk", "\u0068ottok"), and whatever JSON.parse reads as a member called hottok is one —
// the parser, the replay and the event story all read the body through JSON.parse. A body with
// such a member is stored re-serialized (same document, compact, the secret replaced): Hotmart's
// authenticator is the X-HOTMART-HOTTOK header, so nothing needs these bytes exactly. A body without
// one is stored byte for byte.
import { asRecord } from '../shared/json-value.ts';
import { decodeUtf8Strict } from '../shared/read-json-body.ts';
import { serializeJson } from '../shared/serialize-json.ts';

const REDACTED = '[redacted]';
const isHottok = (key: string): boolean => key.toLowerCase() === 'hottok';

export function redactHotmartBody(rawBody: Buffer): Buffer {
  // Invalid UTF-8 is decoded leniently here, as the event story does when it shows the body.
  const text = decodeUtf8Strict(rawBody) ?? rawBody.toString('utf8');
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    return rawBody; // not JSON: never parsed, never shown
  }
  if (!hasHottokMember(document)) return rawBody;
  return Buffer.from(serializeJson(document, (key, value) => (isHottok(key) ? REDACTED : value)), 'utf8');
}

/** Whether any object in the document, at any depth, has a member called hottok (explicit stack). */
function hasHottokMember(document: unknown): boolean {
  const stack: unknown[] = [document];
  while (stack.length > 0) {
    const node = stack.pop();
    if (Array.isArray(node)) {
      for (const item of node) stack.push(item); // not push(...node): a 100,000-item array overflows the call
      continue;
    }
    const record = asRecord(node);
    if (!record) continue;
    for (const key of Object.keys(record)) {
      if (isHottok(key)) return true;
      stack.push(record[key]);
    }
  }
  return false;
}
