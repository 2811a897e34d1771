// Reconciliation: per gateway and hour or day, the paid sales the gateways reported and what became of
// each at Meta — accepted, not sent and why, still waiting, failed — how many were linked to a click,
// and which identifiers the accepted events carried. Computed from the stored facts on every call
// (src/store/reconciliation.ts); docs/operations.md ("Reconciliation") says how each figure is made.
// GET /api/v1/reconciliation and `hub reconcile` both run this.
import { gatewayNames } from '../../domain/gateways/gateway-registry.ts';
import type { GatewayName } from '../../domain/gateways/types.ts';
import { z } from 'zod';
import type { OperationContext } from '../context.ts';
import { fail, fieldErrors, ok, type Outcome } from '../outcome.ts';
import { findTenant } from '../../store/tenants.ts';
import { isAcceptedTime } from '../../lib/accepted-time-range.ts';
import {
  COVERAGE_KEYS,
  loadReconciliation,
  loadWebhookBacklog,
  resolveTimeZone,
  type CoverageKey,
  type Granularity,
  type ReconciliationFilter,
  type ReconciliationRow,
  type RowLevel,
  type SaleOutcome,
  type WebhookBacklogRow,
} from '../../store/reconciliation.ts';

export const GRANULARITIES = ['hour', 'day'] as const;
/** Every registered gateway (a new one is reconciled without a change here). */
export const RECONCILIATION_GATEWAYS = gatewayNames as [GatewayName, ...GatewayName[]];
/** The longest range per granularity, in days. */
export const MAX_RANGE_DAYS: Record<Granularity, number> = { hour: 31, day: 366 };
/** A day-saving change can make a range of whole local days one hour longer than its days. */
const DST_SLACK_MS = 3_600_000;

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const isoTime = z.iso.datetime({ offset: true });

function isTimeOrDate(value: string): boolean {
  if (DATE_ONLY.test(value)) return isRealDate(value) && isAcceptedTime(new Date(`${value}T00:00:00Z`));
  return isoTime.safeParse(value).success && isAcceptedTime(new Date(value));
}

function isRealDate(value: string): boolean {
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(value);
}

const bound = (which: 'from' | 'to', example: string) =>
  z
    .string()
    .max(40)
    .refine(isTimeOrDate, { message: 'expected an RFC 3339 time like 2026-11-28T00:00:00Z, or a date like 2026-11-28, from 2000 to 2100' })
    .meta({
      description:
        which === 'from'
          ? 'Start of the range, included: an RFC 3339 time, or a date (YYYY-MM-DD) meaning its midnight in `timezone`. Sales count by the time they happened at the gateway.'
          : 'End of the range, excluded: an RFC 3339 time, or a date (YYYY-MM-DD) meaning its midnight in `timezone`. Later than `from`; at most 31 days after it by hour, 366 by day.',
      examples: [example],
    });

/** The query of GET /api/v1/reconciliation, and the CLI's options. */
export const reconcileQuery = z.object({
  from: bound('from', '2026-11-28T00:00:00Z'),
  to: bound('to', '2026-11-30T00:00:00Z'),
  granularity: z
    .enum(GRANULARITIES)
    .default('day')
    .meta({ description: 'The length of each period: `hour` (ranges up to 31 days) or `day` (up to 366 days). Default `day`.', examples: ['day'] }),
  timezone: z
    .string()
    .max(64)
    .default('UTC')
    .meta({
      description: 'IANA time zone the periods are cut in (a day starts at midnight there), e.g. `America/Sao_Paulo`. Default `UTC`. Period bounds in the answer are UTC instants either way.',
      examples: ['America/Sao_Paulo'],
    }),
  gateway: z.enum(RECONCILIATION_GATEWAYS).optional().meta({ description: 'Only this gateway; all of them when omitted', examples: ['hotmart'] }),
});
export type ReconcileInput = z.input<typeof reconcileQuery>;

/** Money per currency: ISO 4217 code → decimal string (`XXX`: the gateway gave no currency). */
export type Amounts = Record<string, string>;

export interface Figure {
  count: number;
  value: Amounts;
}

export type NotSentReason = 'mappingOff' | 'tooOld' | 'invalidData' | 'noCapiEvent' | 'other';
export const NOT_SENT_REASONS: readonly NotSentReason[] = ['mappingOff', 'tooOld', 'invalidData', 'noCapiEvent', 'other'];

export type CoverageName = 'em' | 'ph' | 'fbc' | 'fbp' | 'clientIpAddress' | 'clientUserAgent';
export const COVERAGE_NAMES: Record<CoverageKey, CoverageName> = {
  em: 'em',
  ph: 'ph',
  fbc: 'fbc',
  fbp: 'fbp',
  client_ip_address: 'clientIpAddress',
  client_user_agent: 'clientUserAgent',
};

export interface Share {
  count: number;
  /** count / base, 0–1 with 4 decimals; null when the base is 0. */
  rate: number | null;
}

export interface Figures {
  received: Figure;
  sent: Figure & { valueAtMeta: Amounts };
  notSent: Figure & { byReason: Record<NotSentReason, Figure> };
  waiting: Figure;
  failed: Figure;
  matched: { count: number; rate: number | null; withClick: Share };
  identifiers: { base: number } & Record<CoverageName, Share>;
  refunds: Figure;
  chargebacks: Figure;
  webhooks: { unread: number; unprocessable: number };
}

export interface PeriodFigures extends Figures {
  periodStart: string;
  periodEnd: string;
  gateway: string;
}

export interface GatewayFigures extends Figures {
  gateway: string;
}

export interface ReconciliationReport {
  from: string;
  to: string;
  granularity: Granularity;
  timezone: string;
  data: PeriodFigures[];
  gateways: GatewayFigures[];
  total: Figures;
}

const REASON_OF: Partial<Record<SaleOutcome, NotSentReason>> = {
  mapping_off: 'mappingOff',
  too_old: 'tooOld',
  invalid_data: 'invalidData',
  no_capi_event: 'noCapiEvent',
  other: 'other',
};

export async function reconcileOperation(ctx: OperationContext, tenantId: string, input: unknown): Promise<Outcome<ReconciliationReport>> {
  const parsed = reconcileQuery.safeParse(input ?? {});
  if (!parsed.success) {
    const errors = fieldErrors(parsed.error.issues) ?? [];
    return fail('invalid', 'validation-error', 'reconciliation.invalid', { fields: errors.map((e) => e.path).join(', ') }, errors);
  }
  const q = parsed.data;
  const timezone = canonicalTimeZone(q.timezone);
  const unknownZone = () =>
    fail('invalid', 'validation-error', 'reconciliation.unknownTimeZone', { timezone: q.timezone }, [
      { path: 'timezone', message: 'expected an IANA time zone name such as America/Sao_Paulo' },
    ]);
  if (timezone === null) return unknownZone();

  const localDates = [q.from, q.to].filter((v) => DATE_ONLY.test(v));
  const resolved = await resolveTimeZone(ctx.store.db, timezone, localDates);
  if (resolved === null) return unknownZone();
  const at = (value: string) => (DATE_ONLY.test(value) ? resolved[localDates.indexOf(value)]! : new Date(value));
  const from = at(q.from);
  const to = at(q.to);

  if (to.getTime() <= from.getTime()) {
    return fail('invalid', 'validation-error', 'reconciliation.rangeBackwards', { from: q.from, to: q.to }, [
      { path: 'to', message: 'must be later than from' },
    ]);
  }
  const maxDays = MAX_RANGE_DAYS[q.granularity];
  const spanMs = to.getTime() - from.getTime();
  if (spanMs > maxDays * 86_400_000 + DST_SLACK_MS) {
    const days = describeDays(spanMs);
    const key = q.granularity === 'hour' ? 'reconciliation.rangeTooLongByHour' : 'reconciliation.rangeTooLongByDay';
    return fail('invalid', 'validation-error', key, { max: maxDays, days }, [
      { path: 'to', message: `at most ${maxDays} days after from by ${q.granularity} (this range has ${days} days)` },
    ]);
  }

  if (!(await findTenant(ctx.store.db, tenantId))) return fail('not_found', 'not-found', 'problem.noSuchTenant');

  const filter: ReconciliationFilter = { tenantId, from, to, granularity: q.granularity, timeZone: timezone, gateway: q.gateway };
  const [rows, backlog] = await Promise.all([loadReconciliation(ctx.store.db, filter), loadWebhookBacklog(ctx.store.db, filter)]);
  return ok(present(rows, backlog, { from, to, granularity: q.granularity, timezone }));
}

/** The zone's canonical IANA name (as Intl spells it), or null when it is not one. */
function canonicalTimeZone(name: string): string | null {
  // Offsets and POSIX strings ("UTC-3", "+03:00") read differently in PostgreSQL: only names.
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(name) || /^(UTC|GMT)[+-]/i.test(name)) return null;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

function describeDays(ms: number): string {
  const days = ms / 86_400_000;
  return Number.isInteger(days) ? String(days) : days.toFixed(1);
}

// ---- shaping: the store's rows (per currency) → figures (values per currency, counts summed) ----

interface Accumulator {
  level: RowLevel;
  periodStart: Date | null;
  periodEnd: Date | null;
  gateway: string | null;
  figures: Figures;
}

function emptyFigure(): Figure {
  return { count: 0, value: {} };
}

function emptyFigures(): Figures {
  return {
    received: emptyFigure(),
    sent: { ...emptyFigure(), valueAtMeta: {} },
    notSent: { ...emptyFigure(), byReason: Object.fromEntries(NOT_SENT_REASONS.map((r) => [r, emptyFigure()])) as Record<NotSentReason, Figure> },
    waiting: emptyFigure(),
    failed: emptyFigure(),
    matched: { count: 0, rate: null, withClick: { count: 0, rate: null } },
    identifiers: { base: 0, ...(Object.fromEntries(Object.values(COVERAGE_NAMES).map((n) => [n, { count: 0, rate: null }])) as Record<CoverageName, Share>) },
    refunds: emptyFigure(),
    chargebacks: emptyFigure(),
    webhooks: { unread: 0, unprocessable: 0 },
  };
}

/** Adds `count` sales worth `value` in `currency`; a currency appears once it has a sale in the figure. */
function add(figure: Figure, currency: string, count: number, value: string | null): void {
  if (count === 0) return;
  figure.count += count;
  // Each (figure, currency) comes from exactly one store row, so this never adds two decimals.
  figure.value[currency] = value ?? '0';
}

function present(
  rows: ReconciliationRow[],
  backlog: WebhookBacklogRow[],
  range: { from: Date; to: Date; granularity: Granularity; timezone: string },
): ReconciliationReport {
  const groups = new Map<string, Accumulator>();
  const groupOf = (level: RowLevel, periodStart: Date | null, periodEnd: Date | null, gateway: string | null): Accumulator => {
    const key = `${level}|${periodStart?.toISOString() ?? ''}|${level === 'all' ? '' : (gateway ?? '')}`;
    let group = groups.get(key);
    if (!group) {
      group = { level, periodStart, periodEnd, gateway: level === 'all' ? null : gateway, figures: emptyFigures() };
      groups.set(key, group);
    }
    return group;
  };

  for (const row of rows) {
    const f = groupOf(row.level, row.periodStart, row.periodEnd, row.gateway).figures;
    const c = row.currency;
    add(f.received, c, row.paidCount, row.paidValue);
    add(f.sent, c, row.outcomes.sent.count, row.outcomes.sent.value);
    if (row.outcomes.sent.count > 0) f.sent.valueAtMeta[c] = row.valueAtMeta ?? '0';
    add(f.waiting, c, row.outcomes.waiting.count, row.outcomes.waiting.value);
    add(f.failed, c, row.outcomes.failed.count, row.outcomes.failed.value);
    add(f.notSent, c, row.notSent.count, row.notSent.value);
    for (const [outcome, reason] of Object.entries(REASON_OF) as Array<[SaleOutcome, NotSentReason]>) {
      add(f.notSent.byReason[reason], c, row.outcomes[outcome].count, row.outcomes[outcome].value);
    }
    f.matched.count += row.matched;
    f.matched.withClick.count += row.withClick;
    f.identifiers.base += row.outcomes.sent.count;
    for (const key of COVERAGE_KEYS) f.identifiers[COVERAGE_NAMES[key]].count += row.coverage[key];
    add(f.refunds, c, row.refundCount, row.refundValue);
    add(f.chargebacks, c, row.chargebackCount, row.chargebackValue);
  }
  for (const row of backlog) {
    if (row.unread === 0 && row.unprocessable === 0) continue;
    const f = groupOf(row.level, row.periodStart, row.periodEnd, row.gateway).figures;
    f.webhooks.unread += row.unread;
    f.webhooks.unprocessable += row.unprocessable;
  }

  for (const { figures: f } of groups.values()) {
    f.matched.rate = rate(f.matched.count, f.received.count);
    f.matched.withClick.rate = rate(f.matched.withClick.count, f.received.count);
    for (const name of Object.values(COVERAGE_NAMES)) f.identifiers[name].rate = rate(f.identifiers[name].count, f.identifiers.base);
  }

  const all = [...groups.values()];
  const byStartThenGateway = (a: Accumulator, b: Accumulator) =>
    (a.periodStart?.getTime() ?? 0) - (b.periodStart?.getTime() ?? 0) || (a.gateway ?? '').localeCompare(b.gateway ?? '');
  return {
    from: range.from.toISOString(),
    to: range.to.toISOString(),
    granularity: range.granularity,
    timezone: range.timezone,
    data: all
      .filter((g) => g.level === 'period')
      .sort(byStartThenGateway)
      .map((g) => ({ periodStart: g.periodStart!.toISOString(), periodEnd: g.periodEnd!.toISOString(), gateway: g.gateway ?? 'unknown', ...g.figures })),
    gateways: all
      .filter((g) => g.level === 'gateway')
      .sort(byStartThenGateway)
      .map((g) => ({ gateway: g.gateway ?? 'unknown', ...g.figures })),
    total: all.find((g) => g.level === 'all')?.figures ?? emptyFigures(),
  };
}

function rate(count: number, base: number): number | null {
  return base === 0 ? null : Math.round((count / base) * 10_000) / 10_000;
}
