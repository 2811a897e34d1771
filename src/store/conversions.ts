// Conversions: one row per (tenant, gateway, transaction, kind), written by the match worker; and the
// dedupe registry that says "seen already" (first writer wins).
import { sql, type Insertable, type Selectable, type Transaction } from 'kysely';
import type { Db } from './connect.ts';
import type { ConversionsTable, Database } from './database.ts';

type Executor = Db | Transaction<Database>;

export type ConversionRow = Selectable<ConversionsTable>;
export type NewConversion = Insertable<ConversionsTable>;

/**
 * Inserts a conversion unless one exists for its (tenant, gateway, transaction, kind); returns the row
 * that is now stored and whether this call created it.
 */
export async function insertConversion(
  trx: Transaction<Database>,
  row: NewConversion,
): Promise<{ conversion: ConversionRow; created: boolean }> {
  const inserted = await trx
    .insertInto('conversions')
    .values(row)
    .onConflict((oc) => oc.columns(['tenant_id', 'gateway', 'transaction_id', 'kind']).doNothing())
    .returningAll()
    .executeTakeFirst();
  if (inserted) return { conversion: inserted, created: true };
  const existing = await findConversionByKey(trx, row.tenant_id, row.gateway, row.transaction_id, row.kind);
  if (!existing) throw new Error('conversion neither inserted nor found');
  return { conversion: existing, created: false };
}

export async function findConversionByKey(
  db: Executor,
  tenantId: string,
  gateway: string,
  transactionId: string,
  kind: string,
): Promise<ConversionRow | undefined> {
  return db
    .selectFrom('conversions')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('gateway', '=', gateway)
    .where('transaction_id', '=', transactionId)
    .where('kind', '=', kind)
    .executeTakeFirst();
}

export async function listConversionsForEvent(db: Executor, tenantId: string, eventId: string): Promise<ConversionRow[]> {
  return db.selectFrom('conversions').selectAll().where('tenant_id', '=', tenantId).where('event_id', '=', eventId).orderBy('id').execute();
}

/** Points follow-ups (refund, chargeback, cancellation) of a transaction that have no purchase yet at it. */
export async function linkFollowUpsToPurchase(
  trx: Transaction<Database>,
  tenantId: string,
  gateway: string,
  transactionId: string,
  purchaseId: string,
  followUpKinds: readonly string[],
): Promise<void> {
  await trx
    .updateTable('conversions')
    .set({ related_id: purchaseId, updated_at: sql`now()` })
    .where('tenant_id', '=', tenantId)
    .where('gateway', '=', gateway)
    .where('transaction_id', '=', transactionId)
    .where('kind', 'in', [...followUpKinds])
    .where('related_id', 'is', null)
    .execute();
}

/** Registers dedupe keys; keys that exist keep their first writer. Returns the keys that were new. */
export async function registerDedupeKeys(
  trx: Transaction<Database>,
  tenantId: string,
  keys: { key: string; conversionId: string | null; eventId: string }[],
): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const rows = await trx
    .insertInto('dedupe_registry')
    .values(keys.map((k) => ({ tenant_id: tenantId, key: k.key, conversion_id: k.conversionId, event_id: k.eventId })))
    .onConflict((oc) => oc.columns(['tenant_id', 'key']).doNothing())
    .returning('key')
    .execute();
  return new Set(rows.map((r) => r.key));
}

/**
 * Serializes the writers of one gateway transaction inside their transactions, so a purchase and
 * its refund processed at the same moment by two workers still find each other.
 */
export async function lockGatewayTransaction(
  trx: Transaction<Database>,
  tenantId: string,
  gateway: string,
  transactionId: string,
): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`${tenantId}|${gateway}|${transactionId}`}, 0))`.execute(trx);
}
