// Guards the rule that only Meta's confirmation makes a Meta connection healthy: every finding of the
// pixel read, its stored health and the message keys the seller reads.
import { describe, expect, it } from 'vitest';
import type { MetaAnswer, PixelRead } from '../../domain/meta/index.ts';
import { verificationOf } from './verification.ts';

const context = { pixelId: '1234567890', graphUrl: 'https://graph.facebook.com', timeoutMs: 5_000 };
const answer = (over: Partial<MetaAnswer> = {}): MetaAnswer => ({ httpStatus: 400, code: 190, subcode: null, message: 'm', fbtraceId: 'T', ...over });
const silence: MetaAnswer = { httpStatus: null, code: null, subcode: null, message: 'no answer within 5000 ms', fbtraceId: null };

describe('verificationOf', () => {
  it.each<[string, PixelRead, string, string, string | null, string | null]>([
    ['readable', { kind: 'readable', pixelName: 'Pixel', answer: answer({ httpStatus: 200, code: null }) }, 'verified', 'healthy', null, null],
    ['token expired', { kind: 'refused', reason: 'token_expired', answer: answer({ subcode: 463 }) }, 'unverified', 'unhealthy', 'meta.checkTokenExpired', 'meta.checkTokenExpiredFix'],
    ['token invalid', { kind: 'refused', reason: 'token_invalid', answer: answer() }, 'unverified', 'unhealthy', 'meta.checkTokenInvalid', 'meta.checkTokenInvalidFix'],
    ['no permission', { kind: 'refused', reason: 'no_permission', answer: answer({ code: 200 }) }, 'unverified', 'unverified', 'meta.checkNoPermission', 'meta.checkNoPermissionFix'],
    ['pixel not found', { kind: 'refused', reason: 'pixel_not_found', answer: answer({ code: 100, subcode: 33 }) }, 'unverified', 'unverified', 'meta.checkPixelNotFound', 'meta.checkPixelNotFoundFix'],
    ['timeout', { kind: 'no_answer', reason: 'timeout', answer: silence }, 'unverified', 'unverified', 'meta.checkTimeout', 'meta.checkLaterFix'],
    ['network', { kind: 'no_answer', reason: 'network', answer: silence }, 'unverified', 'unverified', 'meta.checkNetwork', 'meta.checkNetworkFix'],
    ['Meta unavailable', { kind: 'no_answer', reason: 'meta_unavailable', answer: answer({ httpStatus: 503, code: 2 }) }, 'unverified', 'unverified', 'meta.checkMetaUnavailable', 'meta.checkLaterFix'],
    ['unexpected answer', { kind: 'no_answer', reason: 'unexpected_answer', answer: answer({ httpStatus: 200, code: null }) }, 'unverified', 'unverified', 'meta.checkUnexpectedAnswer', 'meta.checkLaterFix'],
  ])('%s', (_label, read, status, health, reasonKey, fixKey) => {
    const v = verificationOf(read, context);
    expect(v).toMatchObject({ status, health });
    expect(v.reason?.key ?? null).toBe(reasonKey);
    expect(v.fix?.key ?? null).toBe(fixKey);
  });

  it('shows what Meta answered, and nothing when Meta said nothing', () => {
    expect(verificationOf({ kind: 'refused', reason: 'token_expired', answer: answer({ subcode: 463 }) }, context).metaAnswer).toEqual(answer({ subcode: 463 }));
    expect(verificationOf({ kind: 'no_answer', reason: 'timeout', answer: silence }, context).metaAnswer).toBeNull();
  });

  it('names the code with its subcode, and the timeout in seconds', () => {
    expect(verificationOf({ kind: 'refused', reason: 'token_expired', answer: answer({ subcode: 463 }) }, context).reason?.params).toEqual({ code: '190/463' });
    expect(verificationOf({ kind: 'no_answer', reason: 'timeout', answer: silence }, context).reason?.params).toEqual({ seconds: 5 });
  });
});
