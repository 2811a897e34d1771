// What a pixel read (domain/meta/read-pixel.ts) means for the seller: the verification the API
// answers (verified or not, why, what to do) and the health the connection is stored with.
//   readable                     → verified,   healthy
//   token expired or invalid     → unverified, unhealthy: the token cannot work anywhere, events wait
//   no permission, pixel unseen  → unverified, unverified: Meta refused the *read*; a token made for
//                                  CAPI may still send, so events go and the first answer decides
//   timeout, network, Meta down,
//   an answer that proves nothing → unverified, unverified: not checked is not broken
// Pure; table-tested in verification.test.ts.
import type { Message } from '../../i18n/index.ts';
import type { MetaAnswer, PixelNoAnswer, PixelRead, PixelRefusal } from '../../domain/meta/index.ts';
import type { ConnectionHealth } from '../../store/database.ts';

export interface MetaVerification {
  status: 'verified' | 'unverified';
  health: ConnectionHealth;
  pixelName: string | null;
  /** Why it is not verified (null when verified). */
  reason: Message | null;
  /** What the seller does about it (null when verified). */
  fix: Message | null;
  /** What Meta answered, for support (null when verified or when nothing came back). */
  metaAnswer: MetaAnswer | null;
}

export interface VerificationContext {
  pixelId: string;
  graphUrl: string;
  timeoutMs: number;
}

export function verificationOf(read: PixelRead, context: VerificationContext): MetaVerification {
  if (read.kind === 'readable') {
    return { status: 'verified', health: 'healthy', pixelName: read.pixelName, reason: null, fix: null, metaAnswer: null };
  }
  const [health, reason, fix] = read.kind === 'refused' ? refusal(read.reason, read.answer, context) : noAnswer(read.reason, read.answer, context);
  // A network error or timeout has nothing from Meta to show.
  const heard = read.answer.httpStatus !== null || read.answer.code !== null;
  return { status: 'unverified', health, pixelName: null, reason, fix, metaAnswer: heard ? read.answer : null };
}

type Finding = [ConnectionHealth, Message, Message];

function refusal(reason: PixelRefusal, answer: MetaAnswer, context: VerificationContext): Finding {
  const code = `${answer.code ?? answer.httpStatus ?? '?'}${answer.subcode !== null ? `/${answer.subcode}` : ''}`;
  switch (reason) {
    case 'token_expired':
      return ['unhealthy', { key: 'meta.checkTokenExpired', params: { code } }, { key: 'meta.checkTokenExpiredFix' }];
    case 'token_invalid':
      return ['unhealthy', { key: 'meta.checkTokenInvalid', params: { code } }, { key: 'meta.checkTokenInvalidFix' }];
    case 'no_permission':
      return ['unverified', { key: 'meta.checkNoPermission', params: { code, pixelId: context.pixelId } }, { key: 'meta.checkNoPermissionFix' }];
    case 'pixel_not_found':
      return ['unverified', { key: 'meta.checkPixelNotFound', params: { code, pixelId: context.pixelId } }, { key: 'meta.checkPixelNotFoundFix' }];
  }
}

function noAnswer(reason: PixelNoAnswer, answer: MetaAnswer, context: VerificationContext): Finding {
  const status = String(answer.httpStatus ?? '-');
  const later: Message = { key: 'meta.checkLaterFix' };
  switch (reason) {
    case 'timeout':
      return ['unverified', { key: 'meta.checkTimeout', params: { seconds: context.timeoutMs / 1000 } }, later];
    case 'network':
      return [
        'unverified',
        { key: 'meta.checkNetwork', params: { detail: answer.message ?? 'network error' } },
        { key: 'meta.checkNetworkFix', params: { graphUrl: context.graphUrl } },
      ];
    case 'meta_unavailable':
      return ['unverified', { key: 'meta.checkMetaUnavailable', params: { status } }, later];
    case 'unexpected_answer':
      return ['unverified', { key: 'meta.checkUnexpectedAnswer', params: { status } }, later];
  }
}
