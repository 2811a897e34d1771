// Event statuses for a whole batch in one statement (the match worker's set-based path); the single
// form is `setEventStatus` in events.ts.
import { sql, type Transaction } from 'kysely';
import type { Database, EventStatus } from './database.ts';

export interface EventStatusUpdate {
  tenantId: string;
  id: string;
  status: EventStatus;
  /** undefined leaves the error as it is; null clears it. */
  error?: string | null;
  /** undefined leaves the flags as they are. */
  flags?: string[];
}

export async function setEventStatuses(trx: Transaction<Database>, updates: EventStatusUpdate[]): Promise<void> {
  if (updates.length === 0) return;
  await sql`
    UPDATE events AS e SET
      status = u.status,
      updated_at = now(),
      error = CASE WHEN u.set_error THEN u.error ELSE e.error END,
      flags = CASE WHEN u.flags IS NULL THEN e.flags ELSE ARRAY(SELECT jsonb_array_elements_text(u.flags::jsonb)) END
    FROM unnest(
      ${updates.map((u) => u.tenantId)}::text[],
      ${updates.map((u) => u.id)}::text[],
      ${updates.map((u) => u.status)}::text[],
      ${updates.map((u) => u.error !== undefined)}::boolean[],
      ${updates.map((u) => u.error ?? null)}::text[],
      ${updates.map((u) => (u.flags ? JSON.stringify(u.flags) : null))}::text[]
    ) AS u(tenant_id, id, status, set_error, error, flags)
    WHERE e.tenant_id = u.tenant_id AND e.id = u.id`.execute(trx);
}
