// Signatures sent as hex HMACs (Kiwify: SHA-1 in the query; Eduzz: SHA-256 in a header). The presented
// text is checked for shape first, so timingSafeEqual always compares two digests of the same length.
import { createHmac, timingSafeEqual } from 'node:crypto';

const HEX_LENGTH = { sha1: 40, sha256: 64 } as const;

type HmacAlgorithm = keyof typeof HEX_LENGTH;

export function hmacDigest(algorithm: HmacAlgorithm, key: string, message: Buffer | string): Buffer {
  return createHmac(algorithm, key).update(message).digest();
}

/** Whether `presentedHex` (either case) is the hex form of `expected`, a digest of `algorithm`. */
export function hexDigestMatches(algorithm: HmacAlgorithm, presentedHex: string, expected: Buffer): boolean {
  if (presentedHex.length !== HEX_LENGTH[algorithm] || !/^[0-9a-f]+$/i.test(presentedHex)) return false;
  return timingSafeEqual(Buffer.from(presentedHex, 'hex'), expected);
}
