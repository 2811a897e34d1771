// Where a tenant's live events go: its Meta connection's pixel, Graph version and token. Never the
// connection's test event code: Meta says it "should be used only for testing. You need to remove it
// when sending your production payload" (docs/meta-connection.md) — it is for test events only
// (operations/meta/send-test-event.ts). A missing or broken connection is a reason to wait, in
// words an operator can act on; an `unverified` one (saved, not checked) is used: not checked is not
// broken, and the first accepted request proves it works.
import type { Connection, ConnectionHealth } from '../../store/database.ts';
import type { SecretBox } from '../../lib/secret-box.ts';
import { openMetaConnection, type MetaConnectionProblem } from '../../store/connections.ts';
import { DEFAULT_GRAPH_API_VERSION } from '../../domain/meta/index.ts';

export interface MetaTarget {
  pixelId: string;
  apiVersion: string;
  accessToken: string;
  /** The sealed token as stored: flagging the connection is conditional on it (see flagMetaTokenRefused). */
  secretCiphertext: string;
  /** The connection's health when the round began (`unverified` is promoted once Meta accepts). */
  health: ConnectionHealth;
}

export type MetaTargetResult =
  | { ok: true; value: MetaTarget }
  /** `flagConnection`: the connection itself is broken and should be marked unhealthy. */
  | { ok: false; reason: string; flagConnection: boolean };

const PROBLEMS: Record<MetaConnectionProblem, string> = {
  no_pixel: 'the Meta connection has no pixel id; connect Meta again',
  no_token: 'the Meta connection has no access token; connect Meta again',
  undecryptable: 'the stored Meta token cannot be decrypted (was HUB_ENCRYPTION_KEY changed?); connect Meta again',
};

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
  const opened = openMetaConnection(box, connection);
  if (!opened.ok) return { ok: false, flagConnection: true, reason: PROBLEMS[opened.problem] };
  const { pixelId, graphApiVersion, accessToken, secretCiphertext, health } = opened.value;
  return { ok: true, value: { pixelId, apiVersion: graphApiVersion ?? DEFAULT_GRAPH_API_VERSION, accessToken, secretCiphertext, health } };
}
