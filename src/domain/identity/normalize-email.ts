// E-mail for matching and for Meta's `em`: trim and lowercase, exactly as Meta documents
// ("Trim any leading and trailing spaces. Convert all characters to lowercase."; example
// John_Smith@gmail.com -> john_smith@gmail.com). No Gmail dot or "+tag" folding: Meta does not
// ask for it, and doing it would make our hash differ from the one Meta computes for the account.
// https://developers.facebook.com/docs/marketing-api/conversions-api/parameters/customer-information-parameters
import { lowerNfc } from './fold-text.ts';

// Plausibility, not RFC 5322: the same shape the official SDK accepts before hashing
// (facebook-nodejs-business-sdk src/objects/serverside/utils.js normalizeEmail, "RFC 2822 REGEX
// approximation"), which rejects what Meta would hash into a useless value.
const PLAUSIBLE_EMAIL =
  /^[\p{L}\p{N}!#$%&'*+/=?^_`{|}~-]+(?:\.[\p{L}\p{N}!#$%&'*+/=?^_`{|}~-]+)*@(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?\.)+[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?$/u;

const MAX_EMAIL_LENGTH = 254; // RFC 5321 path limit; anything longer is not a deliverable address

/** Normalized e-mail, or null when the input is not a plausible address. */
export function normalizeEmail(raw: string | null | undefined): string | null {
  if (typeof raw !== 'string') return null;
  const email = lowerNfc(raw);
  if (email.length === 0 || email.length > MAX_EMAIL_LENGTH) return null;
  return PLAUSIBLE_EMAIL.test(email) ? email : null;
}
