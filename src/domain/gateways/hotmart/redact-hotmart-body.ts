// Older Hotmart postbacks repeat the account secret in the body as "hottok" (protocols.md §2; see
// the 2.0.0 test send in igorxavier/videomachinepro jsonformat.py). The hottok is not a body
// signature, so blanking it in the stored copy loses nothing a replay needs: Hotmart's authenticator
// is the X-HOTMART-HOTTOK header. How members are found and the body re-serialized:
// shared/redact-json-members.ts.
import { redactJsonMembers } from '../shared/redact-json-members.ts';

const isHottok = (key: string): boolean => key.toLowerCase() === 'hottok';

export function redactHotmartBody(rawBody: Buffer): Buffer {
  return redactJsonMembers(rawBody, isHottok);
}
