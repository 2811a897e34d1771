// The hashes the hub keeps of an e-mail or phone a visitor typed: SHA-256 of the value normalized as
// Meta asks (e-mail trimmed and lower-cased; phone as E.164 digits, Brazil by default). A value that
// is already a SHA-256 hex (a caller that hashes on its side) is kept as is.
import { isSha256Hex, normalizeEmail, normalizePhone, sha256Hex } from '../identity/index.ts';

export type IdentityKind = 'email' | 'phone';

/** The hash of the normalized value, or null when it does not normalize (not an e-mail, not a phone). */
export function hashIdentity(kind: IdentityKind, value: string): string | null {
  const trimmed = value.trim().toLowerCase();
  if (isSha256Hex(trimmed)) return trimmed;
  const normalized = kind === 'email' ? normalizeEmail(value) : normalizePhone(value, 'BR');
  return normalized ? sha256Hex(normalized) : null;
}

export interface LeadIdentityIssue {
  /** The field of `user` at fault, or null for `user` itself. */
  field: IdentityKind | null;
  message: string;
}

/**
 * Why a lead cannot be stored, if it cannot: a lead is someone to reach and to match a later purchase
 * to, so it needs an e-mail or a phone the hub can use. One usable value is enough (a malformed e-mail
 * beside a good phone is flagged `invalid_email`, as on the other events); none is refused.
 */
export function leadIdentityIssues(user: { email?: string | null; phone?: string | null } | null | undefined): LeadIdentityIssue[] {
  const email = user?.email?.trim() ? user.email : null;
  const phone = user?.phone?.trim() ? user.phone : null;
  if (!email && !phone) return [{ field: null, message: 'a lead needs the visitor\'s e-mail or phone' }];
  if ((email && hashIdentity('email', email)) || (phone && hashIdentity('phone', phone))) return [];
  const issues: LeadIdentityIssue[] = [];
  if (email) issues.push({ field: 'email', message: 'not an e-mail address the hub can use, and the lead has no valid phone' });
  if (phone) issues.push({ field: 'phone', message: 'not a phone number the hub can use (with the country code, e.g. +55 11 98765-4321), and the lead has no valid e-mail' });
  return issues;
}
