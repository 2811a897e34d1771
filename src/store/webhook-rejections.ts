// Webhook deliveries that failed authentication. API processes count them in memory
// (src/api/routes/webhooks/webhook-rejection-recorder.ts) and add them here in one batched insert per
// flush: a row stands for `count` rejections of one (tenant, gateway, reason, source IP) between
// `first_seen_at` and `received_at`, so a flood of bad signatures costs a few rows a period, not one each.
// Rows older than the retention period are deleted in bounded batches.
import { sql } from 'kysely';
import type { Db } from './connect.ts';
import { newId } from '../lib/ids.ts';

/** Rows per insert statement (7 parameters each). */
const CHUNK = 500;

export interface WebhookRejectionCount {
  /** The tenant the delivery named, when it exists; null for unknown or missing tenants. */
  tenantId: string | null;
  gateway: string;
  /** `<kind>: <why>`, e.g. `bad_signature: X-HOTMART-HOTTOK does not match the configured hottok`. */
  reason: string;
  sourceIp: string | null;
  count: number;
  firstSeenAt: Date;
  lastSeenAt: Date;
}

export async function addWebhookRejectionCounts(db: Db, counts: WebhookRejectionCount[]): Promise<void> {
  for (let i = 0; i < counts.length; i += CHUNK) {
    await db
      .insertInto('webhook_rejections')
      .values(
        counts.slice(i, i + CHUNK).map((c) => ({
          id: newId('rej'),
          tenant_id: c.tenantId,
          gateway: c.gateway.slice(0, 50),
          source_ip: c.sourceIp,
          reason: c.reason.slice(0, 300),
          count: c.count,
          first_seen_at: c.firstSeenAt,
          received_at: c.lastSeenAt,
        })),
      )
      .execute();
  }
}

/**
 * Deletes up to `limit` rows written before `before`; returns how many. Row ids are UUIDv7 (their first
 * 48 bits are the write time in milliseconds, src/lib/ids.ts), so "written before" is an id range on the
 * primary key: no index on time is needed, and each call is a bounded range scan.
 */
export async function deleteWebhookRejectionsBefore(db: Db, before: Date, limit = 10_000): Promise<number> {
  const bound = `rej_${Math.max(0, before.getTime()).toString(16).padStart(12, '0')}`;
  const { rows } = await sql<{ deleted: number }>`
    WITH gone AS (
      DELETE FROM webhook_rejections
      WHERE id IN (SELECT id FROM webhook_rejections WHERE id < ${bound} ORDER BY id LIMIT ${limit})
      RETURNING 1
    )
    SELECT count(*)::int AS deleted FROM gone`.execute(db);
  return rows[0]?.deleted ?? 0;
}
