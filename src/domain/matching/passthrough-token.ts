// The pass-through id: the pixel decorates checkout links with the hub session id (sid_<32 hex>) as
// Hotmart/Kiwify `sck` and Stripe `client_reference_id`; the gateway hands it back in the webhook.
// Sellers and link tools sometimes wrap it ("sid_…|ig", URL-encoded, in `src` or `xcod` instead of
// `sck`, in Stripe metadata), so we look for the token anywhere in those fields.
import type { Tracking } from '../gateways/types.ts';

export interface PassthroughToken {
  token: string;
  field: string;
}

const SESSION_TOKEN = /sid_[0-9a-f]{32}/gi;

/** Fields in the order we trust them: the ones the pixel writes first. */
const FIELD_ORDER = ['sck', 'clientReferenceId', 'src', 'xcod'] as const;

/** Distinct session tokens found in a conversion's tracking parameters, strongest field first. */
export function findPassthroughTokens(tracking: Tracking | null | undefined): PassthroughToken[] {
  if (!tracking) return [];
  const found: PassthroughToken[] = [];
  const seen = new Set<string>();
  const scan = (field: string, value: unknown) => {
    if (typeof value !== 'string' || value.length === 0 || value.length > 2000) return;
    for (const m of safeDecode(value).matchAll(SESSION_TOKEN)) {
      const token = m[0].toLowerCase();
      if (seen.has(token)) continue;
      seen.add(token);
      found.push({ token, field });
    }
  };
  for (const field of FIELD_ORDER) scan(field, tracking[field]);
  const metadata = tracking.metadata;
  if (metadata && typeof metadata === 'object') {
    for (const key of Object.keys(metadata).sort()) scan(`metadata.${key}`, metadata[key]);
  }
  return found;
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
