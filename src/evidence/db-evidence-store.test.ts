// Guards the default evidence store: it keeps nothing itself, so ingest must keep the body in the events row.
import { describeEvidenceContract } from './evidence-contract.ts';
import { createDbEvidenceStore } from './db-evidence-store.ts';

describeEvidenceContract('db (the events row keeps the evidence)', createDbEvidenceStore, { keepsEvidence: false });
