// Turns the hub's raw customer information into Meta's user_data: every contact field
// normalized by src/domain/identity (the same functions the matcher uses) and SHA-256 hashed;
// IP, user agent, fbc and fbp sent in clear, as Meta requires ("Do not hash").
// Hashed keys are arrays of digests, deduplicated, as the SDK's UserData.normalize() sends them
// (facebook-nodejs-business-sdk src/objects/serverside/user-data.js normalizeAndHashMultiValues).
// Values that fail normalization are dropped rather than hashed: a hash of junk matches nobody
// and, for an e-mail or phone, tells Meta nothing. (Meta's newer parameter builder does the same.)
// A value that is already a SHA-256 hex digest (hashed upstream, e.g. by the browser pixel) is
// passed through lowercased, not hashed twice — as the SDK's ServerSideUtils.normalizeAndHash does
// ("if normalized_input matches SHA256_REGEX … return normalized_input", utils.js).
import { isIP } from 'node:net';
import {
  normalizeCity,
  normalizeCountry,
  normalizeEmail,
  normalizeExternalId,
  normalizeName,
  normalizePhone,
  normalizeState,
  normalizeZip,
  sha256Hex,
} from '../identity/index.ts';
import type { CapiUserInput, MetaUserData } from './types.ts';

const DEFAULT_PHONE_COUNTRY = 'BR';

export function buildUserData(user: CapiUserInput): MetaUserData {
  const country = normalizeCountry(user.country);
  const phoneCountry = user.phoneCountry?.trim() || country?.toUpperCase() || DEFAULT_PHONE_COUNTRY;

  const userData: MetaUserData = {};
  setHashed(userData, 'em', listOf(user.email).map(hashedOr(normalizeEmail)));
  setHashed(userData, 'ph', listOf(user.phone).map(hashedOr((value) => normalizePhone(value, phoneCountry))));
  setHashed(userData, 'fn', listOf(user.firstName).map(hashedOr(normalizeName)));
  setHashed(userData, 'ln', listOf(user.lastName).map(hashedOr(normalizeName)));
  setHashed(userData, 'ct', listOf(user.city).map(hashedOr(normalizeCity)));
  setHashed(userData, 'st', listOf(user.state).map(hashedOr(normalizeState)));
  setHashed(userData, 'zp', listOf(user.zip).map(hashedOr((value) => normalizeZip(value, country))));
  if (country) setHashed(userData, 'country', [{ normalized: country }]);
  setHashed(userData, 'external_id', listOf(user.externalId).map(hashedOr(normalizeExternalId)));

  // Meta: "must be a valid IPV4 or IPV6 address … No spaces"; an invalid one is worse than none.
  const ip = user.clientIpAddress?.trim();
  if (ip && isIP(ip) !== 0) userData.client_ip_address = ip;
  const userAgent = user.clientUserAgent?.trim();
  if (userAgent) userData.client_user_agent = userAgent;
  // fbc carries the fbclid, which is case-sensitive: trimmed, never re-cased (fbp-and-fbc page).
  const fbc = user.fbc?.trim();
  if (fbc) userData.fbc = fbc;
  const fbp = user.fbp?.trim();
  if (fbp) userData.fbp = fbp;
  return userData;
}

type HashedKey = 'em' | 'ph' | 'fn' | 'ln' | 'ct' | 'st' | 'zp' | 'country' | 'external_id';

/** A value ready to hash, one already hashed upstream, or nothing usable. */
type Prepared = { normalized: string } | { hashed: string } | null;

const SHA256_HEX = /^[0-9a-f]{64}$/i;

function hashedOr(normalize: (raw: string) => string | null): (raw: string) => Prepared {
  return (raw) => {
    const trimmed = raw.trim();
    if (SHA256_HEX.test(trimmed)) return { hashed: trimmed.toLowerCase() };
    const normalized = normalize(raw);
    return normalized === null ? null : { normalized };
  };
}

function setHashed(userData: MetaUserData, key: HashedKey, prepared: readonly Prepared[]): void {
  const hashes = prepared.flatMap((value) => (value === null ? [] : ['hashed' in value ? value.hashed : sha256Hex(value.normalized)]));
  const unique = [...new Set(hashes)];
  if (unique.length > 0) userData[key] = unique;
}

function listOf(value: string | readonly string[] | null | undefined): readonly string[] {
  if (value === null || value === undefined) return [];
  return typeof value === 'string' ? [value] : value;
}
