// Alerts (migration 0008): applying an evaluation's plan, what is owed to the alert webhooks, the
// list an operator reads, and the lock that keeps evaluators from overlapping.
import { sql } from 'kysely';
import { uuidv7 } from 'uuidv7';
import type { Db, Store } from './connect.ts';
import type { AlertState } from './database.ts';
import type { AlertDetails, AlertPlan, OpenAlert } from '../domain/alerts/index.ts';

/** Any number fixed for the hub's alert evaluator (migrations use 727_350_001). */
const EVALUATOR_LOCK_ID = 727_350_014;

export interface AlertRow {
  id: string;
  tenantId: string;
  rule: string;
  subject: string;
  state: AlertState;
  openedAt: Date;
  resolvedAt: Date | null;
  lastEvaluatedAt: Date;
  details: AlertDetails;
  notifiedAt: Date | null;
}

// Same shape as src/lib/ids.ts (prefix + UUIDv7 hex), which has no alert prefix of its own.
const newAlertId = (): string => `alr_${uuidv7().replace(/-/g, '')}`;

/**
 * Runs one evaluation alone. On PostgreSQL several worker processes run the evaluator: a
 * transaction-scoped advisory lock lets one of them in and the others skip this round (`null`);
 * the lock ends with the transaction, so a process that dies holds nothing. On PGlite there is one
 * process, and `fn` runs on the database directly (no transaction held across the HTTP calls).
 */
export async function withAlertEvaluationLock<T>(store: Pick<Store, 'db' | 'kind'>, fn: (db: Db) => Promise<T>): Promise<T | null> {
  if (store.kind !== 'postgres') return fn(store.db);
  return store.db.transaction().execute(async (trx) => {
    const { rows } = await sql<{ locked: boolean }>`SELECT pg_try_advisory_xact_lock(${EVALUATOR_LOCK_ID}) AS locked`.execute(trx);
    if (!rows[0]?.locked) return null;
    return fn(trx);
  });
}

export async function listOpenAlerts(db: Db, tenantId: string): Promise<OpenAlert[]> {
  return db.selectFrom('alerts').select(['id', 'rule', 'subject']).where('tenant_id', '=', tenantId).where('state', '=', 'open').execute();
}

/** Applies one tenant's plan atomically; returns how many alerts it opened and resolved. */
export async function applyAlertPlan(db: Db, tenantId: string, plan: AlertPlan, now: Date): Promise<{ opened: number; resolved: number }> {
  const write = async (trx: Db) => {
    let opened = 0;
    if (plan.open.length > 0) {
      const inserted = await trx
        .insertInto('alerts')
        .values(
          plan.open.map((c) => ({
            id: newAlertId(),
            tenant_id: tenantId,
            rule: c.rule,
            subject: c.subject,
            state: 'open' as const,
            opened_at: now,
            last_evaluated_at: now,
            details: JSON.stringify(c.details),
            notified_at: null,
          })),
        )
        // Another evaluator opened it first (only possible without the lock): keep theirs.
        .onConflict((oc) => oc.columns(['tenant_id', 'rule', 'subject']).where('state', '=', 'open').doNothing())
        .returning('id')
        .execute();
      opened = inserted.length;
    }
    for (const { id, details } of plan.keep) {
      await trx
        .updateTable('alerts')
        .set({ details: JSON.stringify(details), last_evaluated_at: now })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .execute();
    }
    let resolved = 0;
    if (plan.resolve.length > 0) {
      const result = await trx
        .updateTable('alerts')
        // The resolution is owed to the webhook, like the opening was.
        .set({ state: 'resolved', resolved_at: now, last_evaluated_at: now, notified_at: null })
        .where('tenant_id', '=', tenantId)
        .where('id', 'in', plan.resolve)
        .where('state', '=', 'open')
        .executeTakeFirst();
      resolved = Number(result.numUpdatedRows);
    }
    return { opened, resolved };
  };
  return db.isTransaction ? write(db) : db.transaction().execute(write);
}

export interface OwedNotification extends AlertRow {
  tenantName: string;
  tenantSettings: unknown;
}

/**
 * Alerts whose current state has not reached a webhook yet, changed since `since` (older ones are
 * not worth telling late: a webhook configured today does not receive last month's alerts).
 */
export async function listOwedNotifications(db: Db, since: Date, limit: number): Promise<OwedNotification[]> {
  const rows = await db
    .selectFrom('alerts as a')
    .innerJoin('tenants as t', 't.id', 'a.tenant_id')
    .select([
      'a.id', 'a.tenant_id', 'a.rule', 'a.subject', 'a.state', 'a.opened_at', 'a.resolved_at', 'a.last_evaluated_at', 'a.details',
      'a.notified_at', 't.name as tenant_name', 't.settings as tenant_settings',
    ])
    .where('a.notified_at', 'is', null)
    .where((eb) => eb.or([eb('a.opened_at', '>=', since), eb('a.resolved_at', '>=', since)]))
    .orderBy('a.opened_at')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ ...toAlertRow(r), tenantName: r.tenant_name, tenantSettings: r.tenant_settings }));
}

/** Records that the alert's current state reached a webhook (a state changed since is still owed). */
export async function markAlertNotified(db: Db, alert: { tenantId: string; id: string; state: AlertState }, at: Date): Promise<void> {
  await db
    .updateTable('alerts')
    .set({ notified_at: at })
    .where('tenant_id', '=', alert.tenantId)
    .where('id', '=', alert.id)
    .where('state', '=', alert.state)
    .where('notified_at', 'is', null)
    .execute();
}

export interface AlertCursor {
  openedAt: string;
  id: string;
}

export function encodeAlertCursor(c: AlertCursor): string {
  return Buffer.from(`${c.openedAt}|${c.id}`).toString('base64url');
}

export function decodeAlertCursor(raw: string): AlertCursor | null {
  const [openedAt, id] = Buffer.from(raw, 'base64url').toString('utf8').split('|');
  if (!openedAt || !id || Number.isNaN(Date.parse(openedAt)) || !/^alr_[0-9a-f]{32}$/.test(id)) return null;
  return { openedAt, id };
}

/** A tenant's alerts, newest opened first. */
export async function listAlerts(
  db: Db,
  tenantId: string,
  filter: { state?: AlertState | undefined },
  limit: number,
  cursor: AlertCursor | null,
): Promise<{ rows: AlertRow[]; nextCursor: string | null }> {
  let q = db
    .selectFrom('alerts')
    .select(['id', 'tenant_id', 'rule', 'subject', 'state', 'opened_at', 'resolved_at', 'last_evaluated_at', 'details', 'notified_at'])
    .where('tenant_id', '=', tenantId);
  if (filter.state) q = q.where('state', '=', filter.state);
  if (cursor) {
    const openedAt = new Date(cursor.openedAt);
    q = q.where((eb) => eb.or([eb('opened_at', '<', openedAt), eb.and([eb('opened_at', '=', openedAt), eb('id', '<', cursor.id)])]));
  }
  const rows = await q.orderBy('opened_at', 'desc').orderBy('id', 'desc').limit(limit + 1).execute();
  const page = rows.slice(0, limit).map(toAlertRow);
  const last = page[page.length - 1];
  return { rows: page, nextCursor: rows.length > limit && last ? encodeAlertCursor({ openedAt: last.openedAt.toISOString(), id: last.id }) : null };
}

/** Open alerts per rule across every tenant (the hub_alerts_open gauge). */
export async function countOpenAlertsByRule(db: Db): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('alerts')
    .select(['rule', sql<number>`count(*)::int`.as('count')])
    .where('state', '=', 'open')
    .groupBy('rule')
    .execute();
  return new Map(rows.map((r) => [r.rule, Number(r.count)]));
}

function toAlertRow(r: {
  id: string;
  tenant_id: string;
  rule: string;
  subject: string;
  state: AlertState;
  opened_at: Date;
  resolved_at: Date | null;
  last_evaluated_at: Date;
  details: unknown;
  notified_at: Date | null;
}): AlertRow {
  return {
    id: r.id,
    tenantId: r.tenant_id,
    rule: r.rule,
    subject: r.subject,
    state: r.state,
    openedAt: new Date(r.opened_at),
    resolvedAt: r.resolved_at ? new Date(r.resolved_at) : null,
    lastEvaluatedAt: new Date(r.last_evaluated_at),
    details: (typeof r.details === 'string' ? JSON.parse(r.details) : r.details ?? {}) as AlertDetails,
    notifiedAt: r.notified_at ? new Date(r.notified_at) : null,
  };
}
