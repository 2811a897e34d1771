// Conversions: one row per (tenant, gateway, transaction, kind), written by the match worker; and the
// dedupe registry that says "seen already" (first writer wins).
import { sql, type Insertable, type Selectable, type Transaction } from 'kysely';
import type { Db } from './connect.ts';
import type { ConversionsTable, Database, MatchMethod } from './database.ts';

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

// ---- set-based forms for the match worker's batches ----

export interface GatewayTransactionRef {
  tenantId: string;
  gateway: string;
  transactionId: string;
}

/**
 * `lockGatewayTransaction` for a batch's transactions in one statement. Locks are taken in one global
 * order (by lock key), so two batches that share transactions never deadlock each other.
 */
export async function lockGatewayTransactions(trx: Transaction<Database>, refs: GatewayTransactionRef[]): Promise<void> {
  if (refs.length === 0) return;
  const names = [...new Set(refs.map((r) => `${r.tenantId}|${r.gateway}|${r.transactionId}`))];
  await sql`SELECT count(pg_advisory_xact_lock(k)) FROM (
      SELECT DISTINCT hashtextextended(n, 0) AS k FROM unnest(${names}::text[]) AS n ORDER BY 1
    ) AS ordered`.execute(trx);
}

/** The stored match of a conversion, as `findMatch` returns it. */
export interface StoredMatch {
  method: MatchMethod;
  confidence: number;
  visitor_id: string | null;
  session_id: string | null;
  click_id: string | null;
  evidence: unknown;
}

/** Every conversion (any kind) of these transactions, each with its match if it has one. */
export async function findConversionsOfTransactions(
  trx: Transaction<Database>,
  refs: GatewayTransactionRef[],
): Promise<Array<{ conversion: ConversionRow; match: StoredMatch | null }>> {
  if (refs.length === 0) return [];
  const unique = new Map(refs.map((r) => [`${r.tenantId}\u0000${r.gateway}\u0000${r.transactionId}`, r]));
  const list = [...unique.values()];
  const { rows } = await sql<ConversionRow & { m_method: MatchMethod | null; m_confidence: number; m_visitor_id: string | null; m_session_id: string | null; m_click_id: string | null; m_evidence: unknown }>`
    SELECT c.*, m.method AS m_method, m.confidence AS m_confidence, m.visitor_id AS m_visitor_id,
      m.session_id AS m_session_id, m.click_id AS m_click_id, m.evidence AS m_evidence
    FROM unnest(${list.map((r) => r.tenantId)}::text[], ${list.map((r) => r.gateway)}::text[], ${list.map((r) => r.transactionId)}::text[]) AS k(t, g, x)
    JOIN conversions c ON c.tenant_id = k.t AND c.gateway = k.g AND c.transaction_id = k.x
    LEFT JOIN matches m ON m.tenant_id = c.tenant_id AND m.conversion_id = c.id`.execute(trx);
  return rows.map(({ m_method, m_confidence, m_visitor_id, m_session_id, m_click_id, m_evidence, ...conversion }) => ({
    conversion: conversion as ConversionRow,
    match: m_method
      ? { method: m_method, confidence: m_confidence, visitor_id: m_visitor_id, session_id: m_session_id, click_id: m_click_id, evidence: m_evidence }
      : null,
  }));
}

/** Inserts conversions in one statement; returns the ids actually inserted (a conflicting key is skipped). */
export async function insertConversions(trx: Transaction<Database>, rows: NewConversion[]): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const inserted = await trx
    .insertInto('conversions')
    .values(rows)
    .onConflict((oc) => oc.columns(['tenant_id', 'gateway', 'transaction_id', 'kind']).doNothing())
    .returning('id')
    .execute();
  return new Set(inserted.map((r) => r.id));
}

/** `linkFollowUpsToPurchase` for several new purchases in one statement. */
export async function linkFollowUpsToPurchases(
  trx: Transaction<Database>,
  links: Array<GatewayTransactionRef & { purchaseId: string }>,
  followUpKinds: readonly string[],
): Promise<void> {
  if (links.length === 0) return;
  await sql`
    UPDATE conversions AS c SET related_id = l.purchase_id, updated_at = now()
    FROM unnest(${links.map((l) => l.tenantId)}::text[], ${links.map((l) => l.gateway)}::text[],
                ${links.map((l) => l.transactionId)}::text[], ${links.map((l) => l.purchaseId)}::text[]) AS l(t, g, x, purchase_id)
    WHERE c.tenant_id = l.t AND c.gateway = l.g AND c.transaction_id = l.x
      AND c.kind = ANY(${[...followUpKinds]}::text[]) AND c.related_id IS NULL`.execute(trx);
}

/** `registerDedupeKeys` for keys of several tenants; within the batch too, the first key written wins. */
export async function registerDedupeKeysOfTenants(
  trx: Transaction<Database>,
  keys: Array<{ tenantId: string; key: string; conversionId: string | null; eventId: string }>,
): Promise<void> {
  if (keys.length === 0) return;
  await trx
    .insertInto('dedupe_registry')
    .values(keys.map((k) => ({ tenant_id: k.tenantId, key: k.key, conversion_id: k.conversionId, event_id: k.eventId })))
    .onConflict((oc) => oc.columns(['tenant_id', 'key']).doNothing())
    .execute();
}
