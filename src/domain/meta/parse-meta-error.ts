// Reads Graph API's error envelope:
// {"error": {"message", "type", "code", "error_subcode", "error_user_title", "error_user_msg",
//  "fbtrace_id", "is_transient"?}}
// https://developers.facebook.com/docs/graph-api/guides/error-handling

export interface MetaErrorDetails {
  message: string | null;
  type: string | null;
  code: number | null;
  subcode: number | null;
  userTitle: string | null;
  userMessage: string | null;
  fbtraceId: string | null;
  isTransient: boolean | null;
}

/** The error fields of a Graph API response body, or null when the body has no `error` object. */
export function parseMetaError(body: unknown): MetaErrorDetails | null {
  if (!isRecord(body) || !isRecord(body.error)) return null;
  const error = body.error;
  return {
    message: stringOrNull(error.message),
    type: stringOrNull(error.type),
    code: integerOrNull(error.code),
    subcode: integerOrNull(error.error_subcode),
    userTitle: stringOrNull(error.error_user_title),
    userMessage: stringOrNull(error.error_user_msg),
    fbtraceId: stringOrNull(error.fbtrace_id),
    isTransient: typeof error.is_transient === 'boolean' ? error.is_transient : null,
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 ? value : null;
}

// Graph sends codes as numbers; tolerate numeric strings from proxies and older payloads.
function integerOrNull(value: unknown): number | null {
  const number = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  return typeof number === 'number' && Number.isSafeInteger(number) ? number : null;
}
