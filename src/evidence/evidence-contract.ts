// The behaviour every evidence store must show, run by each store's test file. A store either keeps the
// evidence and gives it back byte for byte, or says (with a null reference) that the events row keeps it.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { EvidenceStore } from './evidence-store.ts';

export function describeEvidenceContract(name: string, open: () => EvidenceStore, options: { keepsEvidence: boolean }): void {
  describe(`evidence contract: ${name}`, () => {
    const headers = { 'content-type': 'application/json', 'x-hotmart-hottok': 'tok', 'user-agent': 'Hotmart/1.0 (ação)' };

    it(options.keepsEvidence ? 'gives back the exact bytes and headers it was given' : 'keeps nothing and says so with a null reference', async () => {
      const store = open();
      // Not valid UTF-8 on purpose: evidence is bytes, not text.
      const body = Buffer.concat([Buffer.from('{"a":"é"}'), Buffer.from([0xff, 0x00, 0xfe]), randomBytes(64)]);
      const ref = await store.put({ tenantId: 'ten_a', eventId: `evt_${randomBytes(6).toString('hex')}`, body, headers });
      if (!options.keepsEvidence) {
        expect(ref).toBeNull();
        return;
      }
      expect(ref).toEqual(expect.any(String));
      const got = await store.get(ref!);
      expect(got?.body.equals(body)).toBe(true);
      expect(got?.headers).toEqual(headers);
    });

    it('keeps different events of different tenants apart', async () => {
      const store = open();
      const a = await store.put({ tenantId: 'ten_a', eventId: 'evt_same', body: Buffer.from('a'), headers: {} });
      const b = await store.put({ tenantId: 'ten_b', eventId: 'evt_same', body: Buffer.from('b'), headers: {} });
      if (!options.keepsEvidence) return;
      expect(a).not.toEqual(b);
      expect((await store.get(a!))?.body.toString()).toBe('a');
      expect((await store.get(b!))?.body.toString()).toBe('b');
    });

    it('answers null for a reference it does not hold', async () => {
      const store = open();
      expect(await store.get('s3://elsewhere/tenants/ten_a/events/evt_1')).toBeNull();
      expect(await store.get('nonsense')).toBeNull();
      await store.ping();
    });
  });
}
