// Opaque, prefixed, time-sortable ids (UUIDv7 body): ten_…, evt_…, cnv_…, cap_…, ses_…
import { webcrypto } from 'node:crypto';
import { V7Generator } from 'uuidv7';

export type IdPrefix =
  | 'ten' | 'key' | 'evt' | 'cnv' | 'cap' | 'att' | 'ses' | 'msg' | 'act' | 'job' | 'rej' | 'vis' | 'sid' | 'clk' | 'obx' | 'rpl';

// The library's default source asks the OS for 32 bytes at a time; a request makes several ids, so a
// 4 KiB pool of the same cryptographic randomness makes an id ~3× cheaper (measured: 2.4 → 0.7 µs).
const pool = new Uint32Array(1024);
let cursor = pool.length;
const generator = new V7Generator({
  nextUint32: () => {
    if (cursor >= pool.length) {
      webcrypto.getRandomValues(pool);
      cursor = 0;
    }
    return pool[cursor++]!;
  },
});

export function newId(prefix: IdPrefix): string {
  return `${prefix}_${generator.generate().toHex()}`;
}
