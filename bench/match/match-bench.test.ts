// Guards the matcher's measured quality: a small seeded run of the bench funnel through the real
// ingest writer and match worker must make no false match and recover ≥ 95 % of recoverable purchases.
import { describe, expect, it } from 'vitest';
import { formatReport, runMatchBench } from './bench-match.ts';

describe('match bench (small, seeded)', () => {
  it('no false match, recall ≥ 95 % of recoverable purchases, one Meta Purchase per purchase', async () => {
    const report = await runMatchBench({ seed: 7, people: 150, store: 'pglite', fingerprint: false });
    const detail = formatReport(report);
    expect(report.purchases, detail).toBeGreaterThan(40);
    expect(report.falseMatches, detail).toBe(0);
    expect(report.overall.recall, detail).toBeGreaterThanOrEqual(0.95);
    expect(report.missingConversions, detail).toBe(0);
    expect(report.purchaseCapiEvents, detail).toBe(report.purchases);
    expect(report.refunds.linked, detail).toBe(report.refunds.delivered);
    expect(report.badInput.flagged, detail).toBe(report.badInput.expected);
    expect(report.deadJobs + report.failedEvents, detail).toBe(0);
  }, 180_000);
});
