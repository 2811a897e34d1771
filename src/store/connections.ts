// Meta and gateway connections: settings in clear, secrets sealed (AES-256-GCM) before they are written.
import { sql } from 'kysely';
import type { Db } from './connect.ts';
import type { Connection, ConnectionKind } from './database.ts';
import type { SecretBox } from '../lib/secret-box.ts';
import { secretHint } from '../lib/secret-box.ts';

export interface ConnectionInput {
  kind: ConnectionKind;
  settings: Record<string, unknown>;
  /** The secret part (token, hottok, webhook secrets), sealed before storage. */
  secret: Record<string, unknown>;
  /** The value whose last characters are shown as a hint. */
  hintOf: string;
}

export async function upsertConnection(db: Db, box: SecretBox, tenantId: string, input: ConnectionInput): Promise<Connection> {
  const values = {
    tenant_id: tenantId,
    kind: input.kind,
    settings: JSON.stringify(input.settings),
    secret_ciphertext: box.seal(JSON.stringify(input.secret)),
    secret_hint: secretHint(input.hintOf),
    health_reason: null,
  };
  return db
    .insertInto('connections')
    .values(values)
    .onConflict((oc) =>
      oc.columns(['tenant_id', 'kind']).doUpdateSet({
        settings: values.settings,
        secret_ciphertext: values.secret_ciphertext,
        secret_hint: values.secret_hint,
        // New credentials get a fresh chance: a token fixed by the operator makes waiting events flow again.
        health: 'healthy',
        health_reason: null,
        updated_at: sql`now()`,
      }),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function listConnections(db: Db, tenantId: string): Promise<Connection[]> {
  return db.selectFrom('connections').selectAll().where('tenant_id', '=', tenantId).orderBy('kind').execute();
}

export async function getConnection(db: Db, tenantId: string, kind: ConnectionKind): Promise<Connection | undefined> {
  return db
    .selectFrom('connections')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('kind', '=', kind)
    .executeTakeFirst();
}

export function openConnectionSecret<T = Record<string, unknown>>(box: SecretBox, connection: Connection): T {
  return JSON.parse(box.open(connection.secret_ciphertext)) as T;
}

export async function setConnectionHealth(
  db: Db,
  tenantId: string,
  kind: ConnectionKind,
  health: 'healthy' | 'unhealthy',
  reason: string | null,
): Promise<void> {
  await db
    .updateTable('connections')
    .set({ health, health_reason: reason, updated_at: sql`now()` })
    .where('tenant_id', '=', tenantId)
    .where('kind', '=', kind)
    .execute();
}
