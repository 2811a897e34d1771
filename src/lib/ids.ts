// Opaque, prefixed, time-sortable ids (UUIDv7 body): ten_…, evt_…, cnv_…, cap_…, ses_…
import { uuidv7 } from 'uuidv7';

export type IdPrefix =
  | 'ten' | 'key' | 'evt' | 'cnv' | 'cap' | 'att' | 'ses' | 'msg' | 'act' | 'job' | 'rej' | 'vis' | 'sid' | 'clk' | 'obx' | 'rpl';

export function newId(prefix: IdPrefix): string {
  return `${prefix}_${uuidv7().replaceAll('-', '')}`;
}
