// Deterministic keys of a conversion. The Meta event_id is derived from what identifies the business
// fact — tenant, gateway, the gateway's transaction id, and the kind — so every duplicate delivery,
// retry, replay and reprocess yields the same event_id and Meta counts the purchase once
// (Meta dedupes on event_name + event_id, protocols.md §1.3).
import { createHash } from 'node:crypto';

export interface ConversionIdentity {
  tenantId: string;
  gateway: string;
  transactionId: string;
  kind: string;
}

/** "purchase.3f1c…" — the kind, for operators reading Events Manager, then 32 hex of SHA-256. */
export function conversionEventId(c: ConversionIdentity): string {
  // A separator that cannot appear inside the parts keeps ("a|b","c") apart from ("a","b|c").
  const digest = createHash('sha256')
    .update([c.tenantId, c.gateway, c.transactionId, c.kind].map((p) => `${p.length}:${p}`).join('|'))
    .digest('hex');
  return `${c.kind}.${digest.slice(0, 32)}`;
}

/** Dedupe-registry key of a conversion: one per (gateway, transaction, kind) within a tenant. */
export function conversionDedupeKey(c: Omit<ConversionIdentity, 'tenantId'>): string {
  return `conversion:${c.gateway}:${c.kind}:${c.transactionId}`;
}

/** Dedupe-registry key of a gateway delivery (the gateway's own event id). */
export function deliveryDedupeKey(gateway: string, deliveryId: string): string {
  return `delivery:${gateway}:${deliveryId}`;
}

/** Kinds that follow a purchase and point back to it through related_id. */
export const FOLLOW_UP_KINDS: ReadonlySet<string> = new Set(['refund', 'chargeback', 'cancellation']);
