// Where a tenant's events go: its Meta connection's pixel, Graph version, test event code and token.
// A missing or unusable connection is a reason to wait, in words an operator can act on.
import type { Connection } from '../../store/database.ts';
import type { SecretBox } from '../../lib/secret-box.ts';
import { openConnectionSecret } from '../../store/connections.ts';
import { DEFAULT_GRAPH_API_VERSION } from '../../domain/meta/index.ts';

export interface MetaTarget {
  pixelId: string;
  apiVersion: string;
  testEventCode: string | null;
  accessToken: string;
  /** The sealed token as stored: flagging the connection is conditional on it (see flagMetaTokenRefused). */
  secretCiphertext: string;
}

export type MetaTargetResult =
  | { ok: true; value: MetaTarget }
  /** `flagConnection`: the connection itself is broken and should be marked unhealthy. */
  | { ok: false; reason: string; flagConnection: boolean };

export function readMetaTarget(connection: Connection | undefined, box: SecretBox): MetaTargetResult {
  if (!connection) {
    return { ok: false, flagConnection: false, reason: 'no Meta connection: connect Meta (PUT /api/v1/connections/meta) and waiting events are sent' };
  }
  if (connection.health === 'unhealthy') {
    return {
      ok: false,
      flagConnection: false,
      reason: `the Meta connection is unhealthy (${connection.health_reason ?? 'no reason recorded'}); save a working token and waiting events are sent`,
    };
  }
  const settings = (connection.settings ?? {}) as Record<string, unknown>;
  const pixelId = typeof settings.pixelId === 'string' ? settings.pixelId.trim() : '';
  if (!pixelId) return { ok: false, flagConnection: true, reason: 'the Meta connection has no pixel id; connect Meta again' };
  let accessToken: unknown;
  try {
    accessToken = openConnectionSecret<{ accessToken?: unknown }>(box, connection).accessToken;
  } catch {
    return {
      ok: false,
      flagConnection: true,
      reason: 'the stored Meta token cannot be decrypted (was HUB_ENCRYPTION_KEY changed?); connect Meta again',
    };
  }
  if (typeof accessToken !== 'string' || accessToken === '') {
    return { ok: false, flagConnection: true, reason: 'the Meta connection has no access token; connect Meta again' };
  }
  const version = typeof settings.graphApiVersion === 'string' && settings.graphApiVersion ? settings.graphApiVersion : DEFAULT_GRAPH_API_VERSION;
  const testEventCode = typeof settings.testEventCode === 'string' && settings.testEventCode ? settings.testEventCode : null;
  return { ok: true, value: { pixelId, apiVersion: version, testEventCode, accessToken, secretCiphertext: connection.secret_ciphertext } };
}
