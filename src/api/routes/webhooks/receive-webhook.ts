// Receiving one gateway delivery: authenticate on the raw bytes, then make it durable. The domain
// answers with an outcome; webhook-routes.ts maps outcomes to HTTP in one switch.
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { AppDeps } from '../../deps.ts';
import type { GatewayModule, GatewayName, GatewaySecrets, WebhookRequest } from '../../../domain/gateways/index.ts';
import { getGateway } from '../../../domain/gateways/index.ts';
import { findTenant, listTenantIds } from '../../../store/tenants.ts';
import { getConnection, openConnectionSecret } from '../../../store/connections.ts';
import { addWebhookRejectionCounts, deleteWebhookRejectionsBefore } from '../../../store/webhook-rejections.ts';
import { newId } from '../../../lib/ids.ts';
import { createWebhookRejectionRecorder } from './webhook-rejection-recorder.ts';
import { createKnownTenants } from './known-tenants.ts';

export type WebhookOutcome =
  | { kind: 'accepted'; id: string; duplicate: boolean }
  | { kind: 'unprocessable'; id: string; duplicate: boolean; reason: string }
  | { kind: 'not_json'; id: string; reason: string }
  | { kind: 'rejected'; reason: string }
  | { kind: 'unknown_gateway' };

interface Credentials {
  tenantId: string;
  secrets: unknown;
}

/** What the cache keeps per (tenant, gateway): whether the tenant exists, and its credentials if connected. */
interface Lookup {
  tenantExists: boolean;
  credentials: Credentials | null;
}

export interface WebhookReceiver {
  receive(input: ReceiveInput): Promise<WebhookOutcome>;
  /** Writes the last rejection counts (before the store closes). */
  close(): Promise<void>;
}

interface ReceiveInput {
  gateway: string;
  tenantId: string | undefined;
  req: WebhookRequest;
  sourceIp: string;
  contentType: string | undefined;
  /** The request span's traceparent, handed on to the matcher's job (undefined when tracing is off). */
  trace?: string | undefined;
}

const DAY = 86_400_000;

/** Per-app caches: tenant + decrypted secrets for a few seconds, so a burst costs one lookup. */
export function createWebhookReceiver(deps: AppDeps): WebhookReceiver {
  // Bounded, so a flood of unknown tenants cannot grow memory; "not connected" is cached too.
  // fetch() shares one load per key among the deliveries that wait for it: when an entry expires under
  // load, one lookup and one decryption run, not one per request in flight.
  const credentials = new LRUCache<string, Lookup, { tenantId: string; gateway: GatewayName }>({
    max: 5_000,
    ttl: 5_000,
    fetchMethod: async (_key, _stale, { context }) => readCredentials(context.tenantId, context.gateway),
  });
  // Deliveries made durable in the last minutes, by (tenant, gateway, SHA-256 of the body): their event id.
  // Only what the database holds goes in (after the write), so a hit answers exactly as it would.
  const recentDeliveries = new LRUCache<string, string>({ max: 20_000, ttl: 10 * 60_000 });
  // An address over its rejection budget still gets lookups for tenants that exist (a gateway's address
  // shared with an attacker, or a proxy's, keeps delivering), never for the others.
  const knownTenants = createKnownTenants(() => listTenantIds(deps.store.db));
  const rejections = createWebhookRejectionRecorder({
    write: (counts) => addWebhookRejectionCounts(deps.store.db, counts),
    prune: (before) => deleteWebhookRejectionsBefore(deps.store.db, before),
    retentionMs: deps.config.webhookRejectionRetentionDays * DAY,
    ...(deps.logger ? { logger: deps.logger } : {}),
  });

  async function readCredentials(tenantId: string, gateway: GatewayName): Promise<Lookup> {
    if (!/^ten_[0-9a-f]{32}$/.test(tenantId)) return { tenantExists: false, credentials: null };
    const tenant = await findTenant(deps.store.db, tenantId);
    if (!tenant) return { tenantExists: false, credentials: null };
    const conn = await getConnection(deps.store.db, tenant.id, gateway);
    if (!conn) return { tenantExists: true, credentials: null };
    return { tenantExists: true, credentials: { tenantId: tenant.id, secrets: openConnectionSecret(deps.box, conn) } };
  }

  async function loadCredentials(tenantId: string, gateway: GatewayName): Promise<Lookup> {
    return (await credentials.fetch(`${tenantId}:${gateway}`, { context: { tenantId, gateway } })) ?? { tenantExists: false, credentials: null };
  }

  /** Counted in memory (metric and aggregated rows); nothing waits for the database. */
  function reject(gateway: string, tenantId: string | null, sourceIp: string, reason: string): WebhookOutcome {
    deps.metrics.webhookRejections.inc({ gateway, reason: reason.split(':')[0] ?? reason });
    rejections.rejected({ tenantId, gateway, reason, sourceIp });
    return { kind: 'rejected', reason };
  }

  async function receive(input: ReceiveInput): Promise<WebhookOutcome> {
    const module = getGateway(input.gateway);
    if (!module) return { kind: 'unknown_gateway' };
    const gateway = module.name;
    if (!input.tenantId) return reject(gateway, null, input.sourceIp, 'no_tenant: ?tenant= is missing');
    // An address that keeps failing authentication costs no database lookup for tenant ids that do not
    // exist (random ids are what such a flood sends): they are told from real ones in memory. The answer
    // is the same 401 as after a lookup, so the cap tells a prober nothing.
    if (rejections.overBudget(input.sourceIp) > 0 && !(await knownTenants.has(input.tenantId))) {
      return reject(gateway, null, input.sourceIp, 'throttled: unknown tenant, not looked up (address over its rejection budget)');
    }
    const lookup = await loadCredentials(input.tenantId, gateway);
    const creds = lookup.credentials;
    // Unknown tenant and "gateway not connected" look the same from outside: nothing to probe.
    if (!creds) {
      return reject(gateway, lookup.tenantExists ? input.tenantId : null, input.sourceIp, 'not_connected: unknown tenant or gateway not connected');
    }
    const verified = (module as GatewayModule).verify(input.req, creds.secrets as GatewaySecrets[typeof gateway] as never);
    if (!verified.ok) return reject(gateway, creds.tenantId, input.sourceIp, `bad_signature: ${verified.reason}`);

    // A delivery this process made durable a moment ago, sent again byte for byte (gateways resend; a
    // replay flood sends one delivery thousands of times): answered as the unique index would answer
    // it — the same bytes parse to the same delivery id — without parsing it again, another evidence
    // copy or a database statement.
    const bodyKey = recentKey(creds.tenantId, gateway, input.req.rawBody);
    const recentId = recentDeliveries.get(bodyKey);
    if (recentId !== undefined) {
      deps.metrics.ingested.inc({ type: 'webhook', outcome: 'duplicate' });
      return { kind: 'accepted', id: recentId, duplicate: true };
    }

    const eventId = newId('evt');
    // Old Hotmart bodies carry the hottok: the evidence copy must not.
    const body = module.redactRawBody(input.req.rawBody);
    const headers = module.redactHeaders(input.req.headers);
    // With an external evidence store (S3) the bytes go there first and the row keeps the reference;
    // a duplicate delivery leaves an unreferenced copy, which is harmless.
    const evidenceRef = (await deps.evidence?.put({ tenantId: creds.tenantId, eventId, body, headers })) ?? null;
    const base = {
      id: eventId,
      tenant_id: creds.tenantId,
      type: 'webhook' as const,
      gateway,
      occurred_at: input.req.receivedAt,
      client_ip: input.sourceIp,
      user_agent: headerValue(input.req.headers['user-agent']),
      evidence_ref: evidenceRef,
      raw_body: evidenceRef ? null : body,
      raw_headers: headers,
    };
    const payloadMeta = { query: module.redactQuery(input.req.query), contentType: input.contentType ?? null };

    const parsed = module.parse(input.req);
    // Only a body the gateway module could not understand is checked for being JSON at all (the
    // happy path parses it once).
    if (!parsed.ok && !looksLikeJson(input.req.rawBody)) {
      // Signed but not JSON: kept raw (nothing signed is dropped), answered 400 as the contract says.
      const stored = await deps.ingest.write({
        event: {
          ...base,
          delivery_key: `sha256:${sha256(input.req.rawBody)}`,
          status: 'unprocessable',
          flags: ['unprocessable', 'not_json'],
          payload: JSON.stringify(payloadMeta),
          error: 'body is not JSON',
        },
        enqueue: false,
      });
      return { kind: 'not_json', id: stored.id, reason: 'The body is not JSON.' };
    }
    if (!parsed.ok) {
      const stored = await deps.ingest.write({
        event: {
          ...base,
          delivery_key: `sha256:${sha256(input.req.rawBody)}`,
          status: 'unprocessable',
          flags: ['unprocessable'],
          payload: JSON.stringify(payloadMeta),
          error: parsed.reason.slice(0, 1000),
        },
        enqueue: false,
      });
      deps.metrics.ingested.inc({ type: 'webhook', outcome: 'unprocessable' });
      return { kind: 'unprocessable', id: stored.id, duplicate: stored.duplicate, reason: parsed.reason };
    }

    const stored = await deps.ingest.write({
      event: {
        ...base,
        delivery_key: parsed.deliveryId.slice(0, 500),
        flags: [],
        payload: JSON.stringify({ ...payloadMeta, eventType: parsed.eventType, conversions: parsed.conversions.length }),
        error: null,
      },
      enqueue: true,
      trace: input.trace,
    });
    deps.metrics.ingested.inc({ type: 'webhook', outcome: stored.duplicate ? 'duplicate' : 'accepted' });
    recentDeliveries.set(bodyKey, stored.id);
    return { kind: 'accepted', id: stored.id, duplicate: stored.duplicate };
  }

  return { receive, close: () => rejections.close() };
}

function recentKey(tenantId: string, gateway: string, body: Buffer): string {
  return `${tenantId}\n${gateway}\n${sha256(body)}`;
}

function headerValue(v: string | string[] | undefined): string | null {
  return (Array.isArray(v) ? v[0] : v)?.slice(0, 1000) ?? null;
}

function sha256(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex');
}

function looksLikeJson(body: Buffer): boolean {
  try {
    JSON.parse(body.toString('utf8'));
    return true;
  } catch {
    return false;
  }
}
