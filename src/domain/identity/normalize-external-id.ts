// External id for matching and for Meta's `external_id` ("Any unique ID from the advertiser …
// it should be in the same format as when sent via [other channels]"; hashing recommended).
// We trim, drop whitespace and lowercase, as Meta's capi-param-builder does before hashing
// (protocols.md §1.4), so the hub and a browser pixel using Meta's library agree on the value.
// https://developers.facebook.com/docs/marketing-api/conversions-api/parameters/customer-information-parameters

const MAX_EXTERNAL_ID_LENGTH = 512; // a guard against pasting whole payloads into an id

/** Normalized external id, or null when empty or absurdly long. */
export function normalizeExternalId(raw: string | null | undefined): string | null {
  if (typeof raw !== 'string') return null;
  const id = raw.normalize('NFC').replace(/\s+/gu, '').toLowerCase();
  if (id.length === 0 || id.length > MAX_EXTERNAL_ID_LENGTH) return null;
  return id;
}
