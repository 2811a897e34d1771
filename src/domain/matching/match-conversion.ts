// The match rules (docs/matching.md): pass-through id → identity → network fingerprint (opt-in) →
// unmatched. Pure apart from the reads in `lookups`; the caller owns the transaction.
//
// Who vouches for an identity decides how far it goes (issue 15, finding 8). The pass-through id comes
// back in a webhook the gateway signed; an e-mail or phone sent with the public key is a claim anyone
// can make (the key is in every landing page, and an Origin header is no proof). So: sightings the
// tenant's server recorded with its secret key (`verified`) are chosen before any public-key sighting;
// a public-key sighting never links a conversion whose pass-through id points at another visitor (or at
// a session never seen); and it scores lower.
import type { Buyer, Tracking } from '../gateways/types.ts';
import { buyerIdentifiers } from './buyer-identifiers.ts';
import { CLOCK_SKEW_TOLERANCE_MS, type MatchSettings } from './match-settings.ts';
import { findPassthroughTokens } from './passthrough-token.ts';
import type {
  ClickRecord,
  IdentitySighting,
  MatchEvidence,
  MatchLookups,
  MatchResult,
  SessionRecord,
  TimeRange,
} from './types.ts';

/** Confidence per method and evidence; docs/matching.md explains each number. */
export const CONFIDENCE = {
  passthrough: 1,
  passthroughBotSession: 0.95,
  identityEmailAndPhone: 0.95,
  identityEmail: 0.9,
  identityEmailConflict: 0.8,
  identityPhone: 0.8,
  // The same evidence claimed with the public key only (the pixel, or anyone who copied the key).
  unverifiedIdentityEmailAndPhone: 0.85,
  unverifiedIdentityEmail: 0.8,
  unverifiedIdentityEmailConflict: 0.7,
  unverifiedIdentityPhone: 0.7,
  fingerprint: 0.4,
  unmatched: 0,
} as const;

const DAY_MS = 24 * 60 * 60 * 1000;
const MINUTE_MS = 60 * 1000;

export interface ConversionToMatch {
  occurredAt: Date;
  buyer: Buyer;
  tracking: Tracking;
}

export type MatchDecision =
  | { kind: 'matched'; result: MatchResult }
  /** A pass-through token names a session we have not stored yet: try again a little later. */
  | { kind: 'wait_for_session'; tokens: string[] };

export interface MatchOptions {
  /** True while the bounded wait for a late session lasts; false falls back to the other methods. */
  waitForMissingSession: boolean;
}

export async function matchConversion(
  conversion: ConversionToMatch,
  lookups: MatchLookups,
  settings: MatchSettings,
  options: MatchOptions,
): Promise<MatchDecision> {
  const at = conversion.occurredAt;
  const evidence: MatchEvidence = {
    attributionModel: settings.attributionModel,
    windows: {
      clickDays: settings.clickWindowDays,
      identityDays: settings.identityWindowDays,
      fingerprintMinutes: settings.fingerprintWindowMinutes,
    },
  };
  const flags: string[] = [];
  const clickRange = rangeBefore(at, settings.clickWindowDays * DAY_MS);

  // 1. Pass-through id.
  const tokens = findPassthroughTokens(conversion.tracking);
  /** The visitors the signed pass-through ids point at (null: the webhook carried none). */
  let passthroughVisitors: Set<string> | null = null;
  if (tokens.length > 0) {
    const sessions = new Map((await lookups.findSessions(tokens.map((t) => t.token))).map((s) => [s.id, s]));
    evidence.passthrough = [];
    let chosen: SessionRecord | undefined;
    for (const t of tokens) {
      const session = sessions.get(t.token);
      if (!session) {
        evidence.passthrough.push({ token: t.token, field: t.field, found: false, reason: 'session not found' });
      } else if (!overlaps(session, clickRange)) {
        evidence.passthrough.push({ token: t.token, field: t.field, found: true, reason: 'outside the click window' });
      } else {
        evidence.passthrough.push({ token: t.token, field: t.field, found: true });
        chosen ??= session;
      }
    }
    passthroughVisitors = new Set([...sessions.values()].map((s) => s.visitorId));
    if (chosen) {
      const click = await linkedClick(chosen, clickRange, lookups, settings);
      const confidence = chosen.isBot ? CONFIDENCE.passthroughBotSession : CONFIDENCE.passthrough;
      if (chosen.isBot) flags.push('passthrough_session_flagged_bot');
      return matched('passthrough', confidence, chosen, click, at, evidence, flags);
    }
    const missing = evidence.passthrough.filter((p) => !p.found).map((p) => p.token);
    if (missing.length > 0 && options.waitForMissingSession) return { kind: 'wait_for_session', tokens: missing };
    flags.push(missing.length > 0 ? 'passthrough_session_not_found' : 'passthrough_outside_window');
  }

  // 2. Identity: the buyer's e-mail or phone seen on a tracked page of this tenant.
  const ids = buyerIdentifiers(conversion.buyer);
  flags.push(...ids.flags);
  const identityRange = rangeBefore(at, settings.identityWindowDays * DAY_MS);
  const emailSightings = ids.emailHash ? await lookups.findIdentitySightings('email', ids.emailHash, identityRange) : [];
  const allPhoneSightings = ids.phoneHash ? await lookups.findIdentitySightings('phone', ids.phoneHash, identityRange) : [];
  // A phone is shared within families: a session where someone typed this phone with ANOTHER e-mail
  // than the buyer's belongs to that someone, not to the buyer.
  const phoneSightings = await withoutOtherPeoplesSessions(allPhoneSightings, ids.emailHash, lookups);
  const { chosen: identity, setAside } = chooseByAuthority(emailSightings, phoneSightings, passthroughVisitors, settings);
  if (setAside > 0) flags.push('unverified_identity_set_aside');
  if (identity || setAside > 0) {
    evidence.identity = {
      ...(ids.emailHash ? { email: emailSightings.length } : {}),
      ...(ids.phoneHash ? { phone: phoneSightings.length } : {}),
      matchedOn: identity?.matchedOn ?? [],
      ...(identity ? { verified: identity.verified } : {}),
      ...(identity?.conflict ? { conflict: true } : {}),
      ...(allPhoneSightings.length > phoneSightings.length ? { phoneSightingsOfOthers: allPhoneSightings.length - phoneSightings.length } : {}),
      ...(setAside > 0 ? { unverifiedSetAside: setAside } : {}),
    };
  }
  if (identity) {
    const [session] = await lookups.findSessions([identity.sighting.sessionId]);
    if (session) {
      const click = await linkedClick(session, clickRange, lookups, settings);
      if (identity.conflict) flags.push('identity_conflict');
      return matched('identity', identity.confidence, session, click, at, evidence, flags);
    }
  }

  // 3. Network fingerprint (opt-in): one visitor alone on the buyer's IP shortly before the purchase.
  const buyerIp = conversion.buyer.ip?.trim();
  if (settings.fingerprintMatching && buyerIp) {
    const range = rangeBefore(at, settings.fingerprintWindowMinutes * MINUTE_MS);
    const candidates = (await lookups.findNetworkSessions(buyerIp, range)).filter((s) => !s.isBot && overlaps(s, range));
    const visitors = new Set(candidates.map((s) => s.visitorId));
    if (visitors.size === 1) {
      const session = pickByModel(candidates, (s) => s.lastSeenAt, settings)!;
      evidence.fingerprint = { clientIp: buyerIp, candidates: candidates.length };
      const click = await linkedClick(session, clickRange, lookups, settings);
      return matched('fingerprint', CONFIDENCE.fingerprint, session, click, at, evidence, flags);
    }
    evidence.fingerprint = {
      clientIp: buyerIp,
      candidates: candidates.length,
      reason: visitors.size === 0 ? 'no session on this IP in the window' : 'several visitors on this IP: ambiguous',
    };
  }

  return {
    kind: 'matched',
    result: { method: 'unmatched', confidence: CONFIDENCE.unmatched, session: null, click: null, visitorId: null, evidence, flags },
  };
}

async function withoutOtherPeoplesSessions(
  sightings: IdentitySighting[],
  buyerEmailHash: string | null,
  lookups: MatchLookups,
): Promise<IdentitySighting[]> {
  if (sightings.length === 0 || buyerEmailHash === null) return sightings;
  const emails = await lookups.findSessionEmailHashes([...new Set(sightings.map((s) => s.sessionId))]);
  const others = new Set(emails.filter((e) => e.valueHash !== buyerEmailHash).map((e) => e.sessionId));
  const own = new Set(emails.filter((e) => e.valueHash === buyerEmailHash).map((e) => e.sessionId));
  return sightings.filter((s) => own.has(s.sessionId) || !others.has(s.sessionId));
}

interface ChosenSighting {
  sighting: IdentitySighting;
  matchedOn: ('email' | 'phone')[];
  confidence: number;
  conflict: boolean;
  /** Whether the chosen sightings were recorded with the tenant's secret key. */
  verified: boolean;
}

/**
 * Verified sightings (the tenant's server, secret key) are chosen among themselves first; public-key
 * sightings only when none of those links, and — when the webhook carried pass-through ids — only on
 * the visitor those ids name: a claim anyone can make never moves a conversion away from what the
 * gateway signed. `setAside` counts the public-key sightings left out for that reason.
 */
export function chooseByAuthority(
  email: IdentitySighting[],
  phone: IdentitySighting[],
  passthroughVisitors: ReadonlySet<string> | null,
  settings: Pick<MatchSettings, 'attributionModel'>,
): { chosen: ChosenSighting | null; setAside: number } {
  const verified = chooseIdentitySighting(
    email.filter((s) => s.verified),
    phone.filter((s) => s.verified),
    settings,
    true,
  );
  if (verified) return { chosen: verified, setAside: 0 };
  const allowed = (s: IdentitySighting) => !s.verified && (passthroughVisitors === null || passthroughVisitors.has(s.visitorId));
  const unverifiedEmail = email.filter(allowed);
  const unverifiedPhone = phone.filter(allowed);
  const setAside = email.length + phone.length - unverifiedEmail.length - unverifiedPhone.length;
  return { chosen: chooseIdentitySighting(unverifiedEmail, unverifiedPhone, settings, false), setAside };
}

/**
 * E-mail first (personal; phones are shared within families and recycled by carriers), then phone.
 * Among sightings of the same key the attribution model picks the latest (last click) or earliest
 * (first click); a session that shows both the e-mail and the phone wins a tie, then the session id.
 * `verified` says which authority the sightings share (chooseByAuthority never mixes them).
 */
export function chooseIdentitySighting(
  email: IdentitySighting[],
  phone: IdentitySighting[],
  settings: Pick<MatchSettings, 'attributionModel'>,
  verified = true,
): ChosenSighting | null {
  const score = verified
    ? { both: CONFIDENCE.identityEmailAndPhone, email: CONFIDENCE.identityEmail, conflict: CONFIDENCE.identityEmailConflict, phone: CONFIDENCE.identityPhone }
    : {
        both: CONFIDENCE.unverifiedIdentityEmailAndPhone,
        email: CONFIDENCE.unverifiedIdentityEmail,
        conflict: CONFIDENCE.unverifiedIdentityEmailConflict,
        phone: CONFIDENCE.unverifiedIdentityPhone,
      };
  const phoneSessions = new Set(phone.map((s) => s.sessionId));
  const phoneVisitors = new Set(phone.map((s) => s.visitorId));
  if (email.length > 0) {
    const both = email.filter((s) => phoneSessions.has(s.sessionId));
    const sighting = pickByModel(email, (s) => s.seenAt, settings, (s) => phoneSessions.has(s.sessionId))!;
    const onBoth = phoneSessions.has(sighting.sessionId);
    // The phone points only at other visitors: the e-mail still wins, with less confidence.
    const conflict = phone.length > 0 && both.length === 0 && !phoneVisitors.has(sighting.visitorId);
    return {
      sighting,
      matchedOn: onBoth ? ['email', 'phone'] : ['email'],
      confidence: onBoth ? score.both : conflict ? score.conflict : score.email,
      conflict,
      verified,
    };
  }
  if (phone.length > 0) {
    const sighting = pickByModel(phone, (s) => s.seenAt, settings)!;
    return { sighting, matchedOn: ['phone'], confidence: score.phone, conflict: false, verified };
  }
  return null;
}

/** The visitor's click the conversion is attributed to: latest (last click) or earliest (first click) in the window. */
async function linkedClick(
  session: SessionRecord,
  range: TimeRange,
  lookups: MatchLookups,
  settings: MatchSettings,
): Promise<ClickRecord | null> {
  const clicks = (await lookups.findVisitorClicks(session.visitorId, range)).filter(
    (c) => !c.isBot && c.occurredAt >= range.from && c.occurredAt <= range.to,
  );
  return pickByModel(clicks, (c) => c.occurredAt, settings, (c) => c.sessionId === session.id) ?? null;
}

/**
 * Picks by time per the attribution model. Ties: `preferred` first, then the smallest id, so the
 * choice never depends on the order rows came back from the database.
 */
export function pickByModel<T extends { id?: string; sessionId?: string }>(
  items: T[],
  timeOf: (item: T) => Date,
  settings: Pick<MatchSettings, 'attributionModel'>,
  preferred: (item: T) => boolean = () => false,
): T | undefined {
  const sign = settings.attributionModel === 'last_click' ? -1 : 1;
  const key = (item: T) => item.id ?? item.sessionId ?? '';
  return [...items].sort((a, b) => {
    const dt = sign * (timeOf(a).getTime() - timeOf(b).getTime());
    if (dt !== 0) return dt;
    const dp = Number(preferred(b)) - Number(preferred(a));
    if (dp !== 0) return dp;
    return key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;
  })[0];
}

function matched(
  method: 'passthrough' | 'identity' | 'fingerprint',
  confidence: number,
  session: SessionRecord,
  click: ClickRecord | null,
  at: Date,
  evidence: MatchEvidence,
  flags: string[],
): MatchDecision {
  evidence.clickToConversionMs = at.getTime() - (click?.occurredAt ?? session.startedAt).getTime();
  return { kind: 'matched', result: { method, confidence, session, click, visitorId: session.visitorId, evidence, flags } };
}

/** [at − window, at + skew]: a session or sighting up to the skew tolerance after the conversion still counts. */
export function rangeBefore(at: Date, windowMs: number): TimeRange {
  return { from: new Date(at.getTime() - windowMs), to: new Date(at.getTime() + CLOCK_SKEW_TOLERANCE_MS) };
}

function overlaps(session: SessionRecord, range: TimeRange): boolean {
  return session.startedAt <= range.to && session.lastSeenAt >= range.from;
}
