// Where the raw evidence of an ingested event (the exact bytes and headers a gateway sent) is kept.
// By default the events row itself holds it (raw_body, raw_headers), written in the same insert that makes
// the event durable; at scale it can go to S3 instead and the row keeps only a reference (evidence_ref).

export interface Evidence {
  body: Buffer;
  headers: Record<string, string>;
}

export interface EvidenceStore {
  readonly driver: 'db' | 's3';
  /**
   * Stores the evidence and returns a reference to keep in `events.evidence_ref`, or null when this
   * store keeps nothing itself and the caller must keep the body in the events row (the database store).
   */
  put(evidence: { tenantId: string; eventId: string } & Evidence): Promise<string | null>;
  /** The evidence behind a reference returned by `put`, or null when there is none. */
  get(ref: string): Promise<Evidence | null>;
  /** Checks the backend is reachable (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
