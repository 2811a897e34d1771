// SHA-256 of the UTF-8 bytes of an already-normalized value, as lowercase hex: the form Meta
// expects for hashed customer information ("Expected SHA256 output: 62a14e44…"), see
// https://developers.facebook.com/docs/marketing-api/conversions-api/parameters/customer-information-parameters
// Normalization (and Unicode NFC) is the caller's job: this function hashes exactly what it gets.
import { createHash } from 'node:crypto';

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** True for a 64-character lowercase hex string: what Meta accepts as a hashed value. */
export function isSha256Hex(value: string): boolean {
  return SHA256_HEX.test(value);
}
