// Risk: a caller who knows a public key (it is public) sends thousands of random, huge or garbled
// origins and grows the hub's memory, its log or the tenant's rows without bound — or buries the one
// real misconfigured landing page the seller needs to see. Also: counts lost at close.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../lib/logger.ts';
import type { RefusedOriginCount } from '../../../store/refused-origins.ts';
import { cleanOrigin, createRefusedOriginRecorder, type RefusedOriginRecorderOptions } from './refused-origin-recorder.ts';

const TENANT = { tenantId: 'ten_a', funnels: [{ slug: 'main' }] };
const LP = 'https://www.loja.example.com.br';

function setup(options: Partial<RefusedOriginRecorderOptions> = {}) {
  const writes: RefusedOriginCount[][] = [];
  const lines: Array<{ level: number; msg: string; origin?: string; tenantId?: string }> = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      lines.push(JSON.parse(chunk.toString()));
      cb();
    },
  });
  let time = Date.parse('2026-12-01T12:00:00Z');
  const recorder = createRefusedOriginRecorder({
    write: async (counts) => {
      writes.push(counts);
    },
    logger: createLogger('info', sink),
    locale: 'en',
    now: () => time,
    flushEveryMs: 3_600_000, // the tests flush by hand
    ...options,
  });
  return {
    recorder,
    writes,
    lines,
    warnings: () => lines.filter((l) => l.level === 40),
    advance: (ms: number) => {
      time += ms;
    },
  };
}

/** Distinct origins as an attacker would send them (deterministic, so runs are comparable). */
const randomOrigin = (i: number) => `https://${(i * 2_654_435_761 % 4_294_967_296).toString(36)}-${i}.attacker.example`;

describe('cleanOrigin', () => {
  it.each([
    ['a real origin', LP, LP],
    ['cut to 200 characters', `https://${'a'.repeat(10_000)}.com`, `https://${'a'.repeat(192)}`],
    ['control characters replaced', 'https://a\u0000b\r\nc\u001b[31m.com', 'https://a?b??c?[31m.com'],
    ['non-ASCII replaced (one per UTF-16 unit)', 'https://café.com/😀', 'https://caf?.com/??'],
    ['the opaque origin', 'null', 'null'],
  ])('%s', (_name, raw, clean) => {
    expect(cleanOrigin(raw)).toBe(clean);
  });
});

describe('refused origin recorder', () => {
  it('counts per tenant and origin in memory and writes one batch per flush', async () => {
    const { recorder, writes, advance } = setup();
    recorder.refused(TENANT, LP);
    advance(1_000);
    recorder.refused(TENANT, LP);
    recorder.refused({ tenantId: 'ten_b', funnels: [] }, LP);
    expect(writes).toEqual([]); // nothing on the request path
    await recorder.flush();
    expect(writes).toHaveLength(1);
    expect(writes[0]).toEqual([
      { tenantId: 'ten_a', origin: LP, count: 2, firstSeenAt: new Date('2026-12-01T12:00:00Z'), lastSeenAt: new Date('2026-12-01T12:00:01Z') },
      { tenantId: 'ten_b', origin: LP, count: 1, firstSeenAt: new Date('2026-12-01T12:00:01Z'), lastSeenAt: new Date('2026-12-01T12:00:01Z') },
    ]);
    await recorder.flush();
    expect(writes).toHaveLength(1); // nothing new: no write
    recorder.refused(TENANT, LP);
    await recorder.close();
    expect(writes).toHaveLength(2); // close flushes what is left
    expect(writes[1]).toMatchObject([{ origin: LP, count: 1 }]);
  });

  it('keeps memory bounded under thousands of random origins, and the often refused one among them', async () => {
    const { recorder, writes } = setup({ maxOriginsPerTenant: 20 });
    for (let i = 0; i < 5_000; i++) {
      recorder.refused(TENANT, randomOrigin(i));
      if (i % 10 === 0) recorder.refused(TENANT, LP); // the seller's real page: 500 of 5,500 refusals
    }
    await recorder.flush();
    const counts = writes[0]!;
    expect(counts).toHaveLength(20);
    const real = counts.find((c) => c.origin === LP);
    expect(real).toBeDefined();
    expect(real!.count).toBe(500); // never the least counted, so never evicted: counted exactly
    // a newcomer's count is what was seen since it entered, never its inherited error bound
    for (const c of counts) expect(c.count).toBeGreaterThanOrEqual(1);
    expect(counts.reduce((sum, c) => sum + c.count, 0)).toBeLessThanOrEqual(5_500);
  });

  it('bounds the tenants waiting for a flush', async () => {
    const { recorder, writes } = setup({ maxTenants: 100 });
    for (let i = 0; i < 1_000; i++) recorder.refused({ tenantId: `ten_${i}`, funnels: [] }, LP);
    await recorder.flush();
    expect(new Set(writes[0]!.map((c) => c.tenantId)).size).toBe(100);
  });

  it('stores and logs long origins cut and control characters replaced', async () => {
    const { recorder, writes, lines } = setup();
    const long = `https://${'x'.repeat(100_000)}.example`;
    recorder.refused(TENANT, long);
    recorder.refused(TENANT, 'https://evil\u0000.example\r\nInjected: header\u2028');
    await recorder.flush();
    expect(writes[0]!.map((c) => c.origin)).toEqual([`https://${'x'.repeat(192)}`, 'https://evil?.example??Injected: header?']);
    for (const line of lines) {
      expect(line.origin!.length).toBeLessThanOrEqual(200);
      expect(line.origin).toMatch(/^[\x20-\x7e]*$/);
      expect([...line.msg].some((c) => c < ' ' || c === '\x7f')).toBe(false); // no control characters
    }
  });

  it('logs once per tenant and origin per period, naming the tenant, the origin and the fix', () => {
    const { recorder, warnings, advance } = setup({ warnEveryMs: 600_000 });
    for (let i = 0; i < 5; i++) recorder.refused(TENANT, LP);
    expect(warnings()).toHaveLength(1);
    expect(warnings()[0]).toMatchObject({ tenantId: 'ten_a', origin: LP });
    expect(warnings()[0]!.msg).toBe(
      `Tracking refused: origin ${LP} is not in any funnel of tenant ten_a. If it is your landing page, add it to the funnel origins (PUT /api/v1/funnels/main, field origins). Not logged again for this origin for 10 min.`,
    );
    recorder.refused({ tenantId: 'ten_b', funnels: [] }, LP); // another tenant: its own line
    expect(warnings()).toHaveLength(2);
    expect(warnings()[1]!.msg).toContain('has no funnel yet');
    advance(599_999);
    recorder.refused(TENANT, LP);
    expect(warnings()).toHaveLength(2);
    advance(1);
    recorder.refused(TENANT, LP); // a new period
    expect(warnings()).toHaveLength(3);
  });

  it('logs at most a few origins per tenant and period, then one line saying the rest are not logged', () => {
    const { recorder, warnings } = setup({ maxWarningsPerTenant: 10 });
    for (let i = 0; i < 3_000; i++) recorder.refused(TENANT, randomOrigin(i));
    expect(warnings()).toHaveLength(11);
    expect(warnings()[10]!.msg).toBe(
      'Tenant ten_a: more than 10 refused origins in 10 min; the others are counted (GET /api/v1/tenant) but not logged.',
    );
  });

  it('logs refused preflights without a tenant, bounded the same way, and stores nothing for them', async () => {
    const { recorder, warnings, writes } = setup({ maxWarningsPerTenant: 10 });
    recorder.refusedPreflight(LP);
    recorder.refusedPreflight(LP);
    expect(warnings()).toHaveLength(1);
    expect(warnings()[0]).toMatchObject({ origin: LP });
    expect(warnings()[0]!.tenantId).toBeUndefined();
    for (let i = 0; i < 2_000; i++) recorder.refusedPreflight(randomOrigin(i));
    expect(warnings()).toHaveLength(11);
    await recorder.flush();
    expect(writes).toEqual([]);
  });

  it('writes in the seller\'s language (HUB_LOCALE)', () => {
    const { recorder, warnings } = setup({ locale: 'pt-BR' });
    recorder.refused(TENANT, LP);
    expect(warnings()[0]!.msg).toContain('não está em nenhum funil do tenant ten_a');
  });

  it('logs a failed write and carries on', async () => {
    const { recorder, lines } = setup({
      write: async () => {
        throw new Error('database down');
      },
    });
    recorder.refused(TENANT, LP);
    await expect(recorder.flush()).resolves.toBeUndefined();
    expect(lines.some((l) => l.msg === 'refused origin counts not stored')).toBe(true);
    recorder.refused(TENANT, LP);
    await expect(recorder.close()).resolves.toBeUndefined();
  });
});
