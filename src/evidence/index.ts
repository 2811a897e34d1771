// The evidence store's front door. The S3 store (and the AWS SDK behind it) is imported from
// ./create-evidence-store.ts or ./s3-evidence-store.ts only where S3 is configured or tested, so the
// embedded and database-only processes never load it.
export type { Evidence, EvidenceStore } from './evidence-store.ts';
export { createDbEvidenceStore } from './db-evidence-store.ts';
export { loadEventEvidence } from './load-event-evidence.ts';
