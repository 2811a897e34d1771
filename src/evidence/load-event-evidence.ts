// The raw bytes and headers behind an ingested event, wherever they are kept: in the events row
// (embedded default) or in the evidence store (S3), found through events.evidence_ref.
import type { EventRow } from '../store/database.ts';
import type { Evidence, EvidenceStore } from './evidence-store.ts';

export async function loadEventEvidence(
  event: Pick<EventRow, 'raw_body' | 'raw_headers' | 'evidence_ref'>,
  store: EvidenceStore | undefined,
): Promise<Evidence | null> {
  if (event.raw_body) return { body: Buffer.from(event.raw_body), headers: { ...(event.raw_headers ?? {}) } };
  if (event.evidence_ref && store) return store.get(event.evidence_ref);
  return null;
}
