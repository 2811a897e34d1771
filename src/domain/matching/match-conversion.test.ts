// Guards the match rules of docs/matching.md: the order of methods, windows, the attribution model,
// tie-breaking, the bounded wait for a late pass-through session, and who vouches for an identity (a
// public-key claim of the buyer's e-mail never beats pass-through evidence or a verified sighting) —
// on plain in-memory data.
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../identity/index.ts';
import { DEFAULT_MATCH_SETTINGS, readMatchSettings, type MatchSettings } from './match-settings.ts';
import { CONFIDENCE, matchConversion, type ConversionToMatch } from './match-conversion.ts';
import type { ClickRecord, IdentitySighting, MatchLookups, SessionRecord } from './types.ts';

const T0 = new Date('2026-11-20T12:00:00.000Z');
const hours = (h: number) => new Date(T0.getTime() + h * 3_600_000);
const SID_A = `sid_${'a'.repeat(32)}`;
const SID_B = `sid_${'b'.repeat(32)}`;
const SID_C = `sid_${'c'.repeat(32)}`;

function session(id: string, visitorId: string, at: Date, extra: Partial<SessionRecord> = {}): SessionRecord {
  return {
    id, visitorId, startedAt: at, lastSeenAt: new Date(at.getTime() + 600_000), clickId: null, fbc: null, fbp: null,
    landingUrl: 'https://lp.example.com/', clientIp: '200.1.2.3', userAgent: 'UA', isBot: false, ...extra,
  };
}
function click(id: string, s: SessionRecord, at: Date): ClickRecord {
  return { id, visitorId: s.visitorId, sessionId: s.id, occurredAt: at, fbclid: 'x', fbc: `fb.1.${at.getTime()}.x`, fbp: null, url: null, clientIp: s.clientIp, userAgent: s.userAgent, isBot: false };
}

/** A sighting as the tests write it: recorded with the secret key (verified) unless it says otherwise. */
type Sighting = Omit<IdentitySighting, 'verified'> & { hash: string; verified?: boolean };

function lookups(data: { sessions?: SessionRecord[]; clicks?: ClickRecord[]; sightings?: Sighting[] }): MatchLookups {
  const sightings = (data.sightings ?? []).map((s) => ({ ...s, verified: s.verified ?? true }));
  return {
    async findSessions(ids) {
      return (data.sessions ?? []).filter((s) => ids.includes(s.id));
    },
    async findIdentitySightings(kind, hash, range) {
      return sightings.filter((s) => s.kind === kind && s.hash === hash && s.seenAt >= range.from && s.seenAt <= range.to);
    },
    async findNetworkSessions(ip) {
      return (data.sessions ?? []).filter((s) => s.clientIp === ip);
    },
    async findVisitorClicks(visitorId) {
      return (data.clicks ?? []).filter((c) => c.visitorId === visitorId);
    },
    async findSessionEmailHashes(ids) {
      return sightings.filter((s) => s.kind === 'email' && ids.includes(s.sessionId)).map((s) => ({ sessionId: s.sessionId, valueHash: s.hash }));
    },
  };
}

const purchase = (over: Partial<ConversionToMatch> = {}): ConversionToMatch => ({ occurredAt: hours(48), buyer: {}, tracking: {}, ...over });
const run = (c: ConversionToMatch, l: MatchLookups, s: Partial<MatchSettings> = {}, wait = false) =>
  matchConversion(c, l, { ...DEFAULT_MATCH_SETTINGS, ...s }, { waitForMissingSession: wait });

const EMAIL_HASH = sha256Hex('ana@example.com');
const PHONE_HASH = sha256Hex('5511987654321');

describe('matchConversion', () => {
  const a = session(SID_A, 'vis_a', hours(0));
  const b = session(SID_B, 'vis_b', hours(40));
  const clickA = click('clk_a', a, hours(0));

  it('links a pass-through id to its session and the visitor’s click, confidence 1', async () => {
    const d = await run(purchase({ tracking: { sck: SID_A } }), lookups({ sessions: [a, b], clicks: [clickA] }));
    expect(d.kind).toBe('matched');
    if (d.kind !== 'matched') return;
    expect(d.result).toMatchObject({ method: 'passthrough', confidence: CONFIDENCE.passthrough, visitorId: 'vis_a' });
    expect(d.result.click?.id).toBe('clk_a');
    expect(d.result.evidence.clickToConversionMs).toBe(48 * 3_600_000);
  });

  it.each([
    ['sck wrapped with a suffix', { sck: `${SID_A}|ig` }],
    ['upper-case, in src', { src: SID_A.toUpperCase().replace('SID_', 'sid_') }],
    ['URL-encoded in xcod', { xcod: encodeURIComponent(`x=${SID_A}`) }],
    ['Stripe client_reference_id', { clientReferenceId: SID_A }],
    ['Stripe metadata', { metadata: { hub: SID_A } }],
  ])('finds the token: %s', async (_name, tracking) => {
    const d = await run(purchase({ tracking }), lookups({ sessions: [a] }));
    expect(d.kind === 'matched' && d.result.method).toBe('passthrough');
  });

  it('waits for an unknown session while allowed, then falls back to identity', async () => {
    const l = lookups({ sessions: [b], sightings: [{ kind: 'email', hash: EMAIL_HASH, visitorId: 'vis_b', sessionId: SID_B, seenAt: hours(40), source: 'initiate_checkout' }] });
    const c = purchase({ tracking: { sck: SID_C }, buyer: { email: ' Ana@Example.com ' } });
    expect(await run(c, l, {}, true)).toEqual({ kind: 'wait_for_session', tokens: [SID_C] });
    const d = await run(c, l, {}, false);
    expect(d.kind === 'matched' && d.result.method).toBe('identity');
    expect(d.kind === 'matched' && d.result.flags).toContain('passthrough_session_not_found');
  });

  it('ignores a pass-through session outside the click window', async () => {
    const d = await run(purchase({ tracking: { sck: SID_A }, occurredAt: hours(24 * 40) }), lookups({ sessions: [a] }));
    expect(d.kind === 'matched' && d.result.method).toBe('unmatched');
    expect(d.kind === 'matched' && d.result.flags).toContain('passthrough_outside_window');
  });

  it('identity: e-mail normalized like Meta; last click picks the latest sighting, first click the earliest', async () => {
    const sightings = [
      { kind: 'email' as const, hash: EMAIL_HASH, visitorId: 'vis_a', sessionId: SID_A, seenAt: hours(1), source: 'initiate_checkout' },
      { kind: 'email' as const, hash: EMAIL_HASH, visitorId: 'vis_b', sessionId: SID_B, seenAt: hours(41), source: 'initiate_checkout' },
    ];
    const l = lookups({ sessions: [a, b], sightings });
    const c = purchase({ buyer: { email: 'ANA@example.com ' } });
    const last = await run(c, l);
    const first = await run(c, l, { attributionModel: 'first_click' });
    expect(last.kind === 'matched' && last.result.session?.id).toBe(SID_B);
    expect(first.kind === 'matched' && first.result.session?.id).toBe(SID_A);
    expect(last.kind === 'matched' && last.result.confidence).toBe(CONFIDENCE.identityEmail);
  });

  it('identity: a Brazilian phone in any format; e-mail and phone on one session score highest', async () => {
    const sightings = [
      { kind: 'phone' as const, hash: PHONE_HASH, visitorId: 'vis_a', sessionId: SID_A, seenAt: hours(1), source: 'initiate_checkout' },
      { kind: 'email' as const, hash: EMAIL_HASH, visitorId: 'vis_a', sessionId: SID_A, seenAt: hours(1), source: 'initiate_checkout' },
    ];
    for (const phone of ['(11) 98765-4321', '+55 11 98765 4321', '011987654321', '5511987654321']) {
      const d = await run(purchase({ buyer: { phone } }), lookups({ sessions: [a], sightings }));
      expect(d.kind === 'matched' && [d.result.method, d.result.confidence]).toEqual(['identity', CONFIDENCE.identityPhone]);
    }
    const both = await run(purchase({ buyer: { phone: '11987654321', email: 'ana@example.com' } }), lookups({ sessions: [a], sightings }));
    expect(both.kind === 'matched' && both.result.confidence).toBe(CONFIDENCE.identityEmailAndPhone);
  });

  it('identity: a phone shared with someone who typed another e-mail is not the buyer’s', async () => {
    const sightings = [
      { kind: 'phone' as const, hash: PHONE_HASH, visitorId: 'vis_b', sessionId: SID_B, seenAt: hours(40), source: 'initiate_checkout' },
      { kind: 'email' as const, hash: sha256Hex('spouse@example.com'), visitorId: 'vis_b', sessionId: SID_B, seenAt: hours(40), source: 'initiate_checkout' },
    ];
    const c = purchase({ buyer: { email: 'ana@example.com', phone: '11987654321' } });
    const d = await run(c, lookups({ sessions: [b], sightings }));
    expect(d.kind === 'matched' && d.result.method).toBe('unmatched');
    const withoutEmail = await run(purchase({ buyer: { phone: '11987654321' } }), lookups({ sessions: [b], sightings }));
    expect(withoutEmail.kind === 'matched' && withoutEmail.result.method).toBe('identity');
  });

  it('identity ignores sightings older than the window', async () => {
    const sightings = [{ kind: 'email' as const, hash: EMAIL_HASH, visitorId: 'vis_a', sessionId: SID_A, seenAt: hours(1), source: 'x' }];
    const d = await run(purchase({ buyer: { email: 'ana@example.com' }, occurredAt: hours(24 * 30) }), lookups({ sessions: [a], sightings }));
    expect(d.kind === 'matched' && d.result.method).toBe('unmatched');
  });

  it('fingerprint only when the tenant opts in, and only when one visitor is on the IP', async () => {
    const near = session(SID_B, 'vis_b', hours(47.9), { clientIp: '177.0.0.9' });
    const c = purchase({ buyer: { ip: '177.0.0.9' } });
    const off = await run(c, lookups({ sessions: [near] }));
    expect(off.kind === 'matched' && off.result.method).toBe('unmatched');
    const on = await run(c, lookups({ sessions: [near] }), { fingerprintMatching: true });
    expect(on.kind === 'matched' && [on.result.method, on.result.confidence]).toEqual(['fingerprint', CONFIDENCE.fingerprint]);
    const other = session(SID_C, 'vis_c', hours(47.95), { clientIp: '177.0.0.9' });
    const shared = await run(c, lookups({ sessions: [near, other] }), { fingerprintMatching: true });
    expect(shared.kind === 'matched' && shared.result.method).toBe('unmatched');
  });

  describe('who vouches for an identity (issue 15, finding 8)', () => {
    // The buyer's real visit: an ad click, the e-mail typed at checkout (the pixel: public key).
    const buyer = session(SID_A, 'vis_buyer', hours(10));
    const buyerClick = click('clk_buyer', buyer, hours(10));
    const buyerSaw = { kind: 'email' as const, hash: EMAIL_HASH, visitorId: 'vis_buyer', sessionId: SID_A, seenAt: hours(10), source: 'initiate_checkout' };
    // A competitor's forged server-side click: the public key, its own fbclid, the buyer's e-mail, later.
    const forged = session(SID_B, 'vis_forger', hours(40));
    const forgedClick = { ...click('clk_forged', forged, hours(40)), fbclid: 'forged', fbc: 'fb.1.0.forged' };
    const forgedSaw = { kind: 'email' as const, hash: EMAIL_HASH, visitorId: 'vis_forger', sessionId: SID_B, seenAt: hours(40), source: 'click', verified: false };
    const data = { sessions: [buyer, forged], clicks: [buyerClick, forgedClick] };
    const byEmail = { email: 'ana@example.com' };

    it('a forged public-key sighting does not outrank the tenant’s verified one, however recent', async () => {
      const d = await run(purchase({ buyer: byEmail }), lookups({ ...data, sightings: [{ ...buyerSaw, verified: true }, forgedSaw] }));
      expect(d.kind === 'matched' && d.result).toMatchObject({ method: 'identity', confidence: CONFIDENCE.identityEmail, visitorId: 'vis_buyer' });
      expect(d.kind === 'matched' && d.result.click?.id).toBe('clk_buyer');
      expect(d.kind === 'matched' && d.result.evidence.identity).toMatchObject({ verified: true, matchedOn: ['email'] });
    });

    it('a forged sighting does not take a purchase whose pass-through id names another visitor, even outside the window', async () => {
      // the buyer's session is older than a 1-day click window: pass-through cannot link it, identity may —
      // but only on the visitor the signed id names
      const c = purchase({ buyer: byEmail, tracking: { sck: SID_A } });
      const d = await run(c, lookups({ ...data, sightings: [{ ...buyerSaw, verified: false }, forgedSaw] }), { clickWindowDays: 1 });
      expect(d.kind === 'matched' && d.result).toMatchObject({ method: 'identity', visitorId: 'vis_buyer', confidence: CONFIDENCE.unverifiedIdentityEmail });
      expect(d.kind === 'matched' && d.result.flags).toEqual(expect.arrayContaining(['passthrough_outside_window', 'unverified_identity_set_aside']));
      expect(d.kind === 'matched' && d.result.evidence.identity).toMatchObject({ unverifiedSetAside: 1, verified: false });
    });

    it('a forged sighting does not take a purchase whose pass-through session was never seen; a verified one may', async () => {
      const c = purchase({ buyer: byEmail, tracking: { sck: SID_C } });
      const forgedOnly = await run(c, lookups({ ...data, sightings: [forgedSaw] }));
      expect(forgedOnly.kind === 'matched' && forgedOnly.result.method).toBe('unmatched');
      expect(forgedOnly.kind === 'matched' && forgedOnly.result.flags).toEqual(expect.arrayContaining(['passthrough_session_not_found', 'unverified_identity_set_aside']));
      expect(forgedOnly.kind === 'matched' && forgedOnly.result.evidence.identity).toEqual({ email: 1, matchedOn: [], unverifiedSetAside: 1 });
      const verified = await run(c, lookups({ ...data, sightings: [{ ...buyerSaw, verified: true }, forgedSaw] }));
      expect(verified.kind === 'matched' && verified.result).toMatchObject({ method: 'identity', visitorId: 'vis_buyer' });
    });

    it('a pass-through match in the window is never touched by identity claims', async () => {
      const d = await run(purchase({ buyer: byEmail, tracking: { sck: SID_A } }), lookups({ ...data, sightings: [forgedSaw] }));
      expect(d.kind === 'matched' && d.result).toMatchObject({ method: 'passthrough', visitorId: 'vis_buyer', confidence: CONFIDENCE.passthrough });
      expect(d.kind === 'matched' && d.result.click?.id).toBe('clk_buyer');
    });

    it('without pass-through or verified evidence, public-key sightings still link, with less confidence', async () => {
      const d = await run(purchase({ buyer: byEmail }), lookups({ ...data, sightings: [{ ...buyerSaw, verified: false }] }));
      expect(d.kind === 'matched' && d.result).toMatchObject({ method: 'identity', visitorId: 'vis_buyer', confidence: CONFIDENCE.unverifiedIdentityEmail });
      expect(d.kind === 'matched' && d.result.evidence.identity?.verified).toBe(false);
      for (const [verified, unverified] of [
        [CONFIDENCE.identityEmailAndPhone, CONFIDENCE.unverifiedIdentityEmailAndPhone],
        [CONFIDENCE.identityEmail, CONFIDENCE.unverifiedIdentityEmail],
        [CONFIDENCE.identityEmailConflict, CONFIDENCE.unverifiedIdentityEmailConflict],
        [CONFIDENCE.identityPhone, CONFIDENCE.unverifiedIdentityPhone],
      ]) {
        expect(unverified).toBeLessThan(verified!);
      }
    });
  });

  it('flags a buyer without identifiers, and malformed ones', async () => {
    const none = await run(purchase(), lookups({}));
    expect(none.kind === 'matched' && none.result.flags).toEqual(['no_buyer_identifier']);
    const bad = await run(purchase({ buyer: { email: 'ana@', phone: '123' } }), lookups({}));
    expect(bad.kind === 'matched' && bad.result.flags).toEqual(['malformed_email', 'malformed_phone', 'no_buyer_identifier']);
  });
});

describe('readMatchSettings', () => {
  it.each([
    [{}, DEFAULT_MATCH_SETTINGS],
    [{ fingerprintMatching: true, attribution: { model: 'first_click', clickWindowDays: 7 } },
      { ...DEFAULT_MATCH_SETTINGS, fingerprintMatching: true, attributionModel: 'first_click', clickWindowDays: 7 }],
    [{ fingerprintMatching: 'yes', attribution: { model: 'linear', identityWindowDays: 900 } }, DEFAULT_MATCH_SETTINGS],
    [null, DEFAULT_MATCH_SETTINGS],
  ])('%j', (input, expected) => {
    expect(readMatchSettings(input)).toEqual(expected);
  });
});
