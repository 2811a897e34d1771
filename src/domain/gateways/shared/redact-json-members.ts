// Evidence copies of JSON bodies that repeat an account secret in a member (Hotmart's legacy "hottok",
// Eduzz's "originSecret"). Redaction works on the parsed document, never on the text: JSON lets a key
// be written many ways ("hott\u006fk", "\u0068ottok"), and whatever JSON.parse reads as a member of
// that name is one — the parser, the replay and the event story all read the body through JSON.parse.
// A body with such a member is stored re-serialized (same document, compact, the secret replaced); a
// body without one is stored byte for byte.
import { asRecord } from './json-value.ts';
import { decodeUtf8Strict } from './read-json-body.ts';
import { serializeJson } from './serialize-json.ts';

const REDACTED = '[redacted]';

/** The body with every member whose name `isSecret` accepts replaced, at any depth. */
export function redactJsonMembers(rawBody: Buffer, isSecret: (key: string) => boolean): Buffer {
  // Invalid UTF-8 is decoded leniently here, as the event story does when it shows the body.
  const text = decodeUtf8Strict(rawBody) ?? rawBody.toString('utf8');
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    return rawBody; // not JSON: never parsed, never shown
  }
  if (!hasMember(document, isSecret)) return rawBody;
  return Buffer.from(serializeJson(document, (key, value) => (isSecret(key) ? REDACTED : value)), 'utf8');
}

/** Whether any object in the document, at any depth, has such a member (explicit stack: no recursion). */
function hasMember(document: unknown, isSecret: (key: string) => boolean): boolean {
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
      if (isSecret(key)) return true;
      stack.push(record[key]);
    }
  }
  return false;
}
