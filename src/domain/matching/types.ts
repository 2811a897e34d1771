// The words of matching, as the rest of the hub uses them.
//
//   session      one visit of one browser (sid_…), with its landing URL, fbc/fbp, IP and user agent
//   visitor      one browser over time (first-party cookie); one person may have several
//   click        an ad click (fbclid/gclid/ttclid) seen at the start of a session
//   sighting     an e-mail or phone (hashed) a visitor typed on a tracked page (initiate_checkout, lead);
//                verified when the tenant's server sent it with the secret key
//   match        the link of one conversion to a session/click/visitor, with method, confidence, evidence
//
// The matcher reads sessions, clicks and sightings through `MatchLookups`, so the rules stay free of
// SQL and are tested with plain arrays.

export type MatchMethod = 'passthrough' | 'identity' | 'fingerprint' | 'unmatched';

export interface SessionRecord {
  id: string;
  visitorId: string;
  startedAt: Date;
  lastSeenAt: Date;
  clickId: string | null;
  fbc: string | null;
  fbp: string | null;
  landingUrl: string | null;
  clientIp: string | null;
  userAgent: string | null;
  isBot: boolean;
}

export interface ClickRecord {
  id: string;
  visitorId: string;
  sessionId: string;
  occurredAt: Date;
  fbclid: string | null;
  fbc: string | null;
  fbp: string | null;
  url: string | null;
  clientIp: string | null;
  userAgent: string | null;
  isBot: boolean;
}

export interface IdentitySighting {
  kind: 'email' | 'phone';
  visitorId: string;
  sessionId: string;
  seenAt: Date;
  source: string;
  /** Recorded by a call with the tenant's secret key; false: a public-key claim (the pixel, or anyone). */
  verified: boolean;
}

export interface TimeRange {
  from: Date;
  to: Date;
}

/** Reads the matcher needs, scoped to one tenant by whoever builds them. */
export interface MatchLookups {
  findSessions(sessionIds: string[]): Promise<SessionRecord[]>;
  findIdentitySightings(kind: 'email' | 'phone', valueHash: string, range: TimeRange): Promise<IdentitySighting[]>;
  findNetworkSessions(clientIp: string, range: TimeRange): Promise<SessionRecord[]>;
  findVisitorClicks(visitorId: string, range: TimeRange): Promise<ClickRecord[]>;
  /** The hashed e-mails seen on these sessions (to tell a shared phone's other owner apart). */
  findSessionEmailHashes(sessionIds: string[]): Promise<{ sessionId: string; valueHash: string }[]>;
}

/** Why a conversion was (or was not) linked: stored in matches.evidence for operators. */
export interface MatchEvidence {
  /** The pass-through tokens found in the conversion's tracking parameters, and where. */
  passthrough?: { token: string; field: string; found: boolean; reason?: string }[];
  identity?: {
    email?: number;
    phone?: number;
    /** Empty when no sighting could be used (then `unverifiedSetAside` says why). */
    matchedOn: ('email' | 'phone')[];
    /** Whether the linked sighting was recorded with the tenant's secret key. */
    verified?: boolean;
    conflict?: boolean;
    phoneSightingsOfOthers?: number;
    /** Public-key sightings not used because the webhook's pass-through id names another visitor. */
    unverifiedSetAside?: number;
  };
  fingerprint?: { clientIp: string; candidates: number; reason?: string };
  /** Milliseconds from the linked click (or the session start) to the conversion. */
  clickToConversionMs?: number;
  attributionModel: 'last_click' | 'first_click';
  windows: { clickDays: number; identityDays: number; fingerprintMinutes: number };
  inheritedFrom?: string;
}

export interface MatchResult {
  method: MatchMethod;
  confidence: number;
  session: SessionRecord | null;
  click: ClickRecord | null;
  visitorId: string | null;
  evidence: MatchEvidence;
  /** Reasons for the operator (also written to conversions.flags). */
  flags: string[];
}
