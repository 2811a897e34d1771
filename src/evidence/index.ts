export type { Evidence, EvidenceStore } from './evidence-store.ts';
export { createEvidenceStore } from './create-evidence-store.ts';
export { createDbEvidenceStore } from './db-evidence-store.ts';
export { createS3EvidenceStore } from './s3-evidence-store.ts';
export { loadEventEvidence } from './load-event-evidence.ts';
