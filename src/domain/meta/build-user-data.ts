// Turns the hub's raw customer information into Meta's user_data: every contact field
// normalized by src/domain/identity (the same functions the matcher uses) and SHA-256 hashed;
// IP, user agent, fbc and fbp sent in clear, as Meta requires ("Do not hash").
// Hashed keys are arrays of digests, deduplicated, as the SDK's UserData.normalize() sends them
// (facebook-nodejs-business-sdk src/objects/serverside/user-data.js normalizeAndHashMultiValues).
// Values that fail normalization are dropped rather than hashed: a hash of junk matches nobody
// and, for an e-mail or phone, tells Meta nothing. (Meta's newer parameter builder does the same.)
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
  setHashed(userData, 'em', listOf(user.email).map((value) => normalizeEmail(value)));
  setHashed(userData, 'ph', listOf(user.phone).map((value) => normalizePhone(value, phoneCountry)));
  setHashed(userData, 'fn', [normalizeName(user.firstName)]);
  setHashed(userData, 'ln', [normalizeName(user.lastName)]);
  setHashed(userData, 'ct', [normalizeCity(user.city)]);
  setHashed(userData, 'st', [normalizeState(user.state)]);
  setHashed(userData, 'zp', [normalizeZip(user.zip, country)]);
  setHashed(userData, 'country', [country]);
  setHashed(userData, 'external_id', listOf(user.externalId).map((value) => normalizeExternalId(value)));

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

function setHashed(userData: MetaUserData, key: HashedKey, normalized: readonly (string | null)[]): void {
  const hashes = [...new Set(normalized.filter((value): value is string => value !== null).map(sha256Hex))];
  if (hashes.length > 0) userData[key] = hashes;
}

function listOf(value: string | readonly string[] | null | undefined): readonly string[] {
  if (value === null || value === undefined) return [];
  return typeof value === 'string' ? [value] : value;
}
