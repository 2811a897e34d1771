// Which user_data keys Meta wants hashed, and when a user_data is too thin to send.
// https://developers.facebook.com/docs/marketing-api/conversions-api/parameters/customer-information-parameters

/** Keys Meta requires (or, for external_id, recommends) to arrive as SHA-256 hex. */
export const HASHED_USER_DATA_KEYS = ['em', 'ph', 'fn', 'ln', 'ct', 'st', 'zp', 'country', 'external_id', 'ge', 'db'] as const;

/**
 * Meta's "Baseline requirements for matching" (Best Practices, since Graph v13.0): "An event is
 * considered invalid if it only includes customer information parameters that consist of one of
 * the following combinations, (or a subset thereof)". Meta answers such an event with code 100,
 * subcode 2804050 (protocols.md §1.4).
 * https://developers.facebook.com/docs/marketing-api/conversions-api/best-practices
 */
const TOO_BROAD_COMBINATIONS: readonly ReadonlySet<string>[] = [
  new Set(['ct', 'country', 'st', 'zp', 'ge', 'client_user_agent']),
  new Set(['db', 'client_user_agent']),
  new Set(['fn', 'ge']),
  new Set(['ln', 'ge']),
];

/** True when user_data has at least one key and is not a subset of a too-broad combination. */
export function hasEnoughCustomerInformation(userData: object): boolean {
  const keys = Object.entries(userData)
    .filter(([, value]) => value !== undefined && value !== null && !(Array.isArray(value) && value.length === 0))
    .map(([key]) => key);
  if (keys.length === 0) return false;
  return !TOO_BROAD_COMBINATIONS.some((combination) => keys.every((key) => combination.has(key)));
}
