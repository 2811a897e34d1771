// Guards `hub reconcile`'s side: the catalog operation the CLI runs (by name, over the admin channel or
// in process), its failures, and the table it prints — every figure where the header says.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildTestApp, createTenantViaApi, type TestApp } from '../../test/support/app.ts';
import { runCatalogOperation, type CatalogContext } from '../operations/catalog.ts';
import type { ReconciliationReport } from '../operations/reconciliation/reconcile.ts';
import { newId } from '../lib/ids.ts';
import { money, printReport } from './reconcile.ts';

// The table's words follow HUB_LOCALE; this test reads the English one whatever the machine's LANG.
vi.hoisted(() => {
  process.env.HUB_LOCALE = 'en';
});

describe('hub reconcile', () => {
  let t: TestApp;
  let ctx: CatalogContext;
  let tenantId: string;

  beforeAll(async () => {
    t = await buildTestApp();
    ctx = { ...t.deps, baseUrl: 'http://localhost:3000' };
    tenantId = (await createTenantViaApi(t.app, 'CLI Recon')).id;
    const sale = async (gateway: string, at: string, value: string, currency: string, status: 'sent' | 'skipped') => {
      const id = newId('cnv');
      const eventId = newId('evt');
      await t.store.db.insertInto('conversions').values({ tenant_id: tenantId, id, event_id: eventId, gateway, transaction_id: id, kind: 'purchase', value, currency, occurred_at: at }).execute();
      await t.store.db.insertInto('matches').values({ tenant_id: tenantId, conversion_id: id, method: 'passthrough', confidence: 1, click_id: 'clk_1', evidence: '{}' }).execute();
      await t.store.db
        .insertInto('capi_events')
        .values({
          tenant_id: tenantId,
          id: newId('cap'),
          event_id: id,
          conversion_id: id,
          source_event_id: eventId,
          event_name: 'Purchase',
          status,
          payload: JSON.stringify(status === 'sent' ? { user_data: { em: ['x'], client_ip_address: '1.2.3.4' }, custom_data: { value: Number(value) } } : {}),
          last_error: status === 'skipped' ? 'not sent: the conversion mapping sends no Meta event for purchase' : null,
        })
        .execute();
    };
    await sale('hotmart', '2026-11-27T10:00:00Z', '197.00', 'BRL', 'sent');
    await sale('hotmart', '2026-11-27T11:00:00Z', '49.90', 'USD', 'skipped');
    await sale('stripe', '2026-11-28T11:00:00Z', '30.00', 'BRL', 'sent');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('runs as the catalog operation `reconcile`, tenant included', async () => {
    const outcome = await runCatalogOperation(ctx, 'reconcile', { tenantId, from: '2026-11-27', to: '2026-11-29' });
    expect(outcome.ok).toBe(true);
    const report = (outcome as { value: ReconciliationReport }).value;
    expect(report.total.received).toEqual({ count: 3, value: { BRL: '227.00', USD: '49.90' } });

    const unknown = await runCatalogOperation(ctx, 'reconcile', { tenantId: 'ten_nobody', from: '2026-11-27', to: '2026-11-29' });
    expect(unknown).toMatchObject({ ok: false, failure: { kind: 'not_found' } });
    const missing = await runCatalogOperation(ctx, 'reconcile', { tenantId, from: '2026-11-27' });
    expect(missing).toMatchObject({ ok: false, failure: { kind: 'invalid', errors: [{ path: 'to' }] } });
  });

  it('prints a table per gateway and day, with totals, reasons and values per currency', async () => {
    const outcome = await runCatalogOperation(ctx, 'reconcile', { tenantId, from: '2026-11-27', to: '2026-11-29' });
    const lines: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      return true;
    });
    try {
      printReport(tenantId, (outcome as { value: ReconciliationReport }).value);
    } finally {
      write.mockRestore();
    }
    const header = lines.find((l) => l.startsWith('period'))!.split(/\s{2,}/);
    expect(header).toEqual(['period', 'gateway', 'sales', 'sales value', 'at Meta', 'accepted value', 'not sent', 'waiting', 'failed', 'click %', 'em', 'ph', 'fbc', 'fbp', 'IP', 'UA']);
    const row = (start: string) => lines.find((l) => l.startsWith(start))!.split(/\s{2,}/);
    expect(row('2026-11-27')).toEqual(['2026-11-27', 'hotmart', '2', 'BRL 197.00 + USD 49.90', '1', 'BRL 197.00', '1', '0', '0', '100%', '100%', '0%', '0%', '0%', '100%', '0%']);
    expect(row('2026-11-28')).toEqual(['2026-11-28', 'stripe', '1', 'BRL 30.00', '1', 'BRL 30.00', '0', '0', '0', '100%', '100%', '0%', '0%', '0%', '100%', '0%']);
    expect(row('total       all')).toEqual(['total', 'all', '3', 'BRL 227.00 + USD 49.90', '2', 'BRL 227.00', '1', '0', '0', '100%', '100%', '0%', '0%', '0%', '100%', '0%']);
    expect(lines).toContain('  hotmart, off in the conversion mapping: 1 (USD 49.90)');
  });

  it('writes money per currency, never as a float', () => {
    expect(money({ value: { USD: '50.00', BRL: '391.00' } })).toBe('BRL 391.00 + USD 50.00');
    expect(money({ value: {} })).toBe('-');
  });
});
