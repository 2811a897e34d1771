// `hub reconcile --tenant ten_… --from … --to … [--granularity day|hour] [--timezone …] [--gateway …]
// [--json]`: the reconciliation (src/operations/reconciliation/reconcile.ts) as a table — per gateway
// and period, the paid sales received and what Meta accepted — through the running server when there
// is one. Headers follow HUB_LOCALE / LANG.
import { Option } from 'commander';
import type { CommandFactory } from './index.ts';
import { runOperation } from './run-operation.ts';
import { print, t, valueOrFail } from './output.ts';
import type { MessageKey } from '../i18n/index.ts';
import {
  GRANULARITIES,
  NOT_SENT_REASONS,
  RECONCILIATION_GATEWAYS,
  type Amounts,
  type Figure,
  type Figures,
  type NotSentReason,
  type ReconciliationReport,
} from '../operations/reconciliation/reconcile.ts';

interface Options {
  tenant: string;
  from: string;
  to: string;
  granularity: (typeof GRANULARITIES)[number];
  timezone?: string;
  gateway?: (typeof RECONCILIATION_GATEWAYS)[number];
  json: boolean;
}

const REASON_LABEL: Record<NotSentReason, MessageKey> = {
  mappingOff: 'reconciliation.cliReasonMappingOff',
  tooOld: 'reconciliation.cliReasonTooOld',
  invalidData: 'reconciliation.cliReasonInvalidData',
  noCapiEvent: 'reconciliation.cliReasonNoCapiEvent',
  other: 'reconciliation.cliReasonOther',
};

export const reconcileCommands: CommandFactory = (program, loadConfig) => {
  program
    .command('reconcile')
    .description('Per gateway and day (or hour): paid sales received, accepted by Meta, not sent and why, waiting, failed, matched to a click, identifier coverage')
    .requiredOption('--tenant <id>', 'tenant id (ten_…)')
    .requiredOption('--from <time>', 'start, included: RFC 3339 (2026-11-28T00:00:00Z) or a date (2026-11-28, midnight in --timezone)')
    .requiredOption('--to <time>', 'end, excluded: RFC 3339 or a date; at most 31 days after --from by hour, 366 by day')
    .addOption(new Option('--granularity <period>', 'length of each period').choices([...GRANULARITIES]).default('day'))
    .option('--timezone <name>', 'IANA time zone the days are cut in, e.g. America/Sao_Paulo (default UTC)')
    .addOption(new Option('--gateway <name>', 'only this gateway').choices([...RECONCILIATION_GATEWAYS]))
    .option('--json', 'print the report as JSON (the same as GET /api/v1/reconciliation)', false)
    .action(async (opts: Options) => {
      const outcome = await runOperation(loadConfig(), 'reconcile', {
        tenantId: opts.tenant,
        from: opts.from,
        to: opts.to,
        granularity: opts.granularity,
        ...(opts.timezone !== undefined ? { timezone: opts.timezone } : {}),
        ...(opts.gateway !== undefined ? { gateway: opts.gateway } : {}),
      });
      const report = valueOrFail<ReconciliationReport>(outcome);
      if (opts.json) return print(JSON.stringify(report, null, 2));
      printReport(opts.tenant, report);
    });
};

export function printReport(tenant: string, report: ReconciliationReport): void {
  print(
    t('reconciliation.cliTitle', {
      tenant,
      from: report.from,
      to: report.to,
      granularity: t(report.granularity === 'hour' ? 'reconciliation.cliHour' : 'reconciliation.cliDay'),
      timezone: report.timezone,
    }),
  );
  print('');
  if (report.data.length === 0) return print(t('reconciliation.cliEmpty'));

  const label = periodLabel(report.granularity, report.timezone);
  const rows = report.data.map((r) => cells(label(r.periodStart), r.gateway, r));
  for (const g of report.gateways) rows.push(cells(t('reconciliation.cliTotal'), g.gateway, g));
  if (report.gateways.length > 1) rows.push(cells(t('reconciliation.cliTotal'), t('reconciliation.cliAllGateways'), report.total));
  printTable(
    [
      t('reconciliation.cliPeriod'),
      t('reconciliation.cliGateway'),
      t('reconciliation.cliReceived'),
      t('reconciliation.cliReceivedValue'),
      t('reconciliation.cliSent'),
      t('reconciliation.cliSentValue'),
      t('reconciliation.cliNotSent'),
      t('reconciliation.cliWaiting'),
      t('reconciliation.cliFailed'),
      t('reconciliation.cliMatched'),
      'em',
      'ph',
      'fbc',
      'fbp',
      t('reconciliation.cliIp'),
      t('reconciliation.cliUa'),
    ],
    rows,
    2,
  );

  const reasons = report.gateways.flatMap((g) =>
    NOT_SENT_REASONS.filter((r) => g.notSent.byReason[r].count > 0).map((r) =>
      t('reconciliation.cliReasonLine', { gateway: g.gateway, reason: t(REASON_LABEL[r]), count: g.notSent.byReason[r].count, value: money(g.notSent.byReason[r]) }),
    ),
  );
  if (reasons.length > 0) {
    print('');
    print(t('reconciliation.cliNotSentTitle'));
    for (const line of reasons) print(`  ${line}`);
  }
  const backlog = report.gateways.filter((g) => g.webhooks.unread + g.webhooks.unprocessable > 0);
  if (backlog.length > 0) {
    print('');
    print(t('reconciliation.cliWebhooksTitle'));
    for (const g of backlog) print(`  ${t('reconciliation.cliWebhooksLine', { gateway: g.gateway, unread: g.webhooks.unread, unprocessable: g.webhooks.unprocessable })}`);
  }
  const { refunds, chargebacks } = report.total;
  if (refunds.count + chargebacks.count > 0) {
    print('');
    print(t('reconciliation.cliRefundsLine', { refunds: `${refunds.count} (${money(refunds)})`, chargebacks: `${chargebacks.count} (${money(chargebacks)})` }));
  }
  print('');
  print(t('reconciliation.cliLegend'));
}

function cells(period: string, gateway: string, f: Figures): string[] {
  const pct = (rate: number | null) => (rate === null ? '-' : `${Math.round(rate * 100)}%`);
  const ids = f.identifiers;
  return [
    period,
    gateway,
    String(f.received.count),
    money(f.received),
    String(f.sent.count),
    money(f.sent),
    String(f.notSent.count),
    String(f.waiting.count),
    String(f.failed.count),
    pct(f.matched.rate),
    pct(ids.em.rate),
    pct(ids.ph.rate),
    pct(ids.fbc.rate),
    pct(ids.fbp.rate),
    pct(ids.clientIpAddress.rate),
    pct(ids.clientUserAgent.rate),
  ];
}

/** "BRL 391.00 + USD 50.00"; "-" for nothing. */
export function money(figure: Figure | { value: Amounts }): string {
  const parts = Object.entries(figure.value)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([currency, value]) => `${currency} ${value}`);
  return parts.length === 0 ? '-' : parts.join(' + ');
}

/** A period's start as the reader's calendar shows it in the report's zone: 2026-11-28, or 2026-11-28 14:00. */
function periodLabel(granularity: ReconciliationReport['granularity'], timeZone: string): (iso: string) => string {
  const format = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  return (iso) => {
    const parts = Object.fromEntries(format.formatToParts(new Date(iso)).map((p) => [p.type, p.value]));
    const day = `${parts.year}-${parts.month}-${parts.day}`;
    return granularity === 'hour' ? `${day} ${parts.hour}:${parts.minute}` : day;
  };
}

/** Left-aligned text columns, right-aligned figures (every column from `firstNumeric` on). */
function printTable(header: string[], rows: string[][], firstNumeric: number): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i >= firstNumeric ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  print(line(header));
  print(line(widths.map((w) => '-'.repeat(w))));
  for (const r of rows) print(line(r));
}
