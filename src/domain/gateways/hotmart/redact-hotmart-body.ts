// Older Hotmart postbacks repeat the account secret in the body as "hottok" (protocols.md §2; see
// the 2.0.0 test send in igorxavier/videomachinepro jsonformat.py). The hottok is not a body
// signature, so blanking it in the stored copy loses nothing a replay needs.
import { decodeUtf8Strict } from '../shared/read-json-body.ts';

const HOTTOK_MEMBER = /("hottok"\s*:\s*)"(?:[^"\\]|\\.)*"/g;

export function redactHotmartBody(rawBody: Buffer): Buffer {
  const text = decodeUtf8Strict(rawBody);
  if (text === undefined || !text.includes('"hottok"')) return rawBody;
  return Buffer.from(text.replace(HOTTOK_MEMBER, '$1"[redacted]"'), 'utf8');
}
