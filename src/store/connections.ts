// Meta and gateway connections: settings in clear, secrets sealed (AES-256-GCM) before they are written.
import { sql } from 'kysely';
import type { Db } from './connect.ts';
import type { Connection, ConnectionHealth, ConnectionKind } from './database.ts';
import type { SecretBox } from '../lib/secret-box.ts';
import { secretHint } from '../lib/secret-box.ts';

export interface ConnectionInput {
  kind: ConnectionKind;
  settings: Record<string, unknown>;
  /** The secret part (token, hottok, webhook secrets), sealed before storage. */
  secret: Record<string, unknown>;
  /** The value whose last characters are shown as a hint. */
  hintOf: string;
  /**
   * What a check of the new credentials found (Meta: operations/meta/connect-meta.ts); default
   * `healthy`, for credentials nothing can check before they are used (gateway secrets).
   */
  health?: ConnectionHealth;
  healthReason?: string | null;
}

export async function upsertConnection(db: Db, box: SecretBox, tenantId: string, input: ConnectionInput): Promise<Connection> {
  const values = {
    tenant_id: tenantId,
    kind: input.kind,
    settings: JSON.stringify(input.settings),
    secret_ciphertext: box.seal(JSON.stringify(input.secret)),
    secret_hint: secretHint(input.hintOf),
    health: input.health ?? 'healthy',
    health_reason: input.healthReason?.slice(0, 1000) ?? null,
  };
  return db
    .insertInto('connections')
    .values(values)
    .onConflict((oc) =>
      oc.columns(['tenant_id', 'kind']).doUpdateSet({
        settings: values.settings,
        secret_ciphertext: values.secret_ciphertext,
        secret_hint: values.secret_hint,
        // New credentials replace the old verdict: a token fixed by the operator (healthy, or unverified
        // when it could not be checked) makes waiting events flow again.
        health: values.health,
        health_reason: values.health_reason,
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
  health: ConnectionHealth,
  reason: string | null,
): Promise<void> {
  await db
    .updateTable('connections')
    .set({ health, health_reason: reason, updated_at: sql`now()` })
    .where('tenant_id', '=', tenantId)
    .where('kind', '=', kind)
    .execute();
}

/**
 * Marks a connection healthy after Meta accepted events sent with its credentials (a live dispatch or
 * a test event): proof that the token works. Only from the given states (the dispatcher promotes
 * `unverified` only; a concurrent refusal's `unhealthy` is not its to overrule) and only if the
 * credentials are still the ones that worked — an operator may have saved others meanwhile.
 * Returns whether it changed.
 */
export async function markConnectionWorking(
  db: Db,
  tenantId: string,
  kind: ConnectionKind,
  workingCiphertext: string,
  from: readonly Exclude<ConnectionHealth, 'healthy'>[],
): Promise<boolean> {
  if (from.length === 0) return false;
  const result = await db
    .updateTable('connections')
    .set({ health: 'healthy', health_reason: null, updated_at: sql`now()` })
    .where('tenant_id', '=', tenantId)
    .where('kind', '=', kind)
    .where('secret_ciphertext', '=', workingCiphertext)
    .where('health', 'in', from)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** A Meta connection's settings and token, as the dispatcher and the test event need them. */
export interface OpenedMetaConnection {
  pixelId: string;
  /** Null: the hub's default version. */
  graphApiVersion: string | null;
  /** For test events only (POST /api/v1/connections/meta/test); never sent with live events. */
  testEventCode: string | null;
  accessToken: string;
  /** The sealed token as stored: health changes are conditional on it (markConnectionWorking). */
  secretCiphertext: string;
  health: ConnectionHealth;
}

export type MetaConnectionProblem = 'no_pixel' | 'no_token' | 'undecryptable';

/** Reads a stored Meta connection's settings and opens its token; says what is missing otherwise. */
export function openMetaConnection(
  box: SecretBox,
  connection: Connection,
): { ok: true; value: OpenedMetaConnection } | { ok: false; problem: MetaConnectionProblem } {
  const settings = (connection.settings ?? {}) as Record<string, unknown>;
  const pixelId = typeof settings.pixelId === 'string' ? settings.pixelId.trim() : '';
  if (!pixelId) return { ok: false, problem: 'no_pixel' };
  let accessToken: unknown;
  try {
    accessToken = openConnectionSecret<{ accessToken?: unknown }>(box, connection).accessToken;
  } catch {
    return { ok: false, problem: 'undecryptable' };
  }
  if (typeof accessToken !== 'string' || accessToken === '') return { ok: false, problem: 'no_token' };
  const text = (value: unknown): string | null => (typeof value === 'string' && value.trim() ? value.trim() : null);
  return {
    ok: true,
    value: {
      pixelId,
      graphApiVersion: text(settings.graphApiVersion),
      testEventCode: text(settings.testEventCode),
      accessToken,
      secretCiphertext: connection.secret_ciphertext,
      health: connection.health,
    },
  };
}
