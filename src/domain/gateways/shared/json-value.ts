// Tolerant readers over untrusted JSON. Gateways send nulls, numbers-as-strings and missing
// objects freely, and parse() must never throw, so every read goes through these.

export type JsonRecord = Record<string, unknown>;

export function asRecord(value: unknown): JsonRecord | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonRecord) : undefined;
}

/** A non-empty trimmed string; numbers are accepted (ids arrive as either). */
export function asText(value: unknown): string | undefined {
  if (typeof value === 'string') {
    const trimmed = value.trim();
    return trimmed === '' ? undefined : trimmed;
  }
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

export function asFiniteNumber(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value.trim())) return Number(value.trim());
  return undefined;
}

/** Stripe sends ids either as a string or as the expanded object. */
export function asIdOrExpanded(value: unknown): string | undefined {
  return asText(value) ?? asText(asRecord(value)?.['id']);
}

/** Only string-valued entries survive; an empty result is undefined. */
export function asStringMap(value: unknown): Record<string, string> | undefined {
  const record = asRecord(value);
  if (!record) return undefined;
  const out: Record<string, string> = {};
  for (const [key, entry] of Object.entries(record)) {
    const text = asText(entry);
    if (text !== undefined) out[key] = text;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Drops undefined members so normalized objects compare cleanly and serialize small. */
export function compact<T extends object>(value: T): T {
  const out: Record<string, unknown> = {};
  for (const [key, entry] of Object.entries(value)) {
    if (entry !== undefined) out[key] = entry;
  }
  return out as T;
}
