// timingSafeEqual needs equal lengths and would leak the length of the secret through an early
// return; hashing both sides first gives fixed 32-byte inputs, so the comparison time depends on
// neither the presented value nor the secret.
import { createHash, timingSafeEqual } from 'node:crypto';

export function constantTimeEqualText(presented: string, expected: string): boolean {
  const a = createHash('sha256').update(presented, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}
