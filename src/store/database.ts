// The one typed view of the schema (src/store/migrations). Kysely checks every query against it.
import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';
import type { GatewayName } from '../domain/gateways/types.ts';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T = unknown> = ColumnType<T, T | string | undefined, T | string>;
/** numeric columns come back as strings from both drivers (exact decimals, never floats). */
type Numeric = ColumnType<string | null, string | null | undefined, string | null>;
type TextArray = ColumnType<string[], string[] | undefined, string[]>;

export interface TenantsTable {
  id: string;
  name: string;
  public_key: string;
  /** The public key before the last rotation, accepted until previous_public_key_expires_at. */
  previous_public_key: string | null;
  previous_public_key_expires_at: Date | null;
  settings: Json<Record<string, unknown>>;
  created_at: Generated<Date>;
}

export interface ApiKeysTable {
  id: string;
  tenant_id: string;
  key_hash: string;
  hint: string;
  created_at: Generated<Date>;
  revoked_at: Date | null;
}

export interface FunnelsTable {
  tenant_id: string;
  slug: string;
  origins: TextArray;
  checkout_hosts: TextArray;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

/** Meta, or a registered gateway (migration 0011 leaves the list to the gateway registry). */
export type ConnectionKind = 'meta' | GatewayName;
/** `unverified`: saved but not checked (migration 0004); events still flow. `unhealthy`: known broken; they wait. */
export type ConnectionHealth = 'healthy' | 'unhealthy' | 'unverified';

export interface ConnectionsTable {
  tenant_id: string;
  kind: ConnectionKind;
  settings: Json<Record<string, unknown>>;
  secret_ciphertext: string;
  secret_hint: string;
  health: Generated<ConnectionHealth>;
  health_reason: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface ConversionMappingsTable {
  tenant_id: string;
  destination: string;
  rules: Json<Record<string, unknown>>;
  updated_at: Generated<Date>;
}

export type EventType = 'click' | 'pageview' | 'initiate_checkout' | 'lead' | 'webhook';
export type EventStatus =
  | 'received' | 'processed' | 'matched' | 'unmatched' | 'dispatched' | 'failed' | 'unprocessable' | 'rejected';

export interface EventsTable {
  id: string;
  tenant_id: string;
  type: EventType;
  gateway: string | null;
  delivery_key: string | null;
  status: Generated<EventStatus>;
  flags: TextArray;
  occurred_at: Timestamp;
  received_at: Generated<Date>;
  payload: Json | null;
  raw_body: Buffer | null;
  raw_headers: Json<Record<string, string>> | null;
  evidence_ref: string | null;
  client_ip: string | null;
  user_agent: string | null;
  error: string | null;
  updated_at: Generated<Date>;
}

export interface WebhookRejectionsTable {
  id: string;
  tenant_id: string | null;
  gateway: string;
  source_ip: string | null;
  reason: string;
  /** How many rejections the row stands for (aggregated per flush; 1 on rows older than migration 0009). */
  count: Generated<number>;
  /** The first of them; null on older rows (then received_at). */
  first_seen_at: Date | null;
  /** The last of them. */
  received_at: Generated<Date>;
}

export interface SessionsTable {
  tenant_id: string;
  id: string;
  visitor_id: string;
  funnel_slug: string | null;
  started_at: Timestamp;
  last_seen_at: Timestamp;
  click_id: string | null;
  fbclid: string | null;
  fbc: string | null;
  fbp: string | null;
  landing_url: string | null;
  referrer: string | null;
  utm: Json<Record<string, string>>;
  client_ip: string | null;
  user_agent: string | null;
  is_bot: Generated<boolean>;
}

export interface ClicksTable {
  tenant_id: string;
  id: string;
  event_id: string;
  visitor_id: string;
  session_id: string;
  occurred_at: Timestamp;
  fbclid: string | null;
  gclid: string | null;
  ttclid: string | null;
  fbc: string | null;
  fbp: string | null;
  url: string | null;
  utm: Json<Record<string, string>>;
  client_ip: string | null;
  user_agent: string | null;
  is_bot: Generated<boolean>;
}

export interface IdentitiesTable {
  tenant_id: string;
  kind: 'email' | 'phone';
  value_hash: string;
  visitor_id: string;
  session_id: string;
  event_id: string;
  source: string;
  seen_at: Timestamp;
  /** Recorded by a call with the tenant's secret key (migration 0010); public-key calls are unverified. */
  verified: Generated<boolean>;
}

export interface ConversionsTable {
  tenant_id: string;
  id: string;
  event_id: string;
  gateway: string;
  transaction_id: string;
  kind: string;
  status: Generated<string>;
  value: Numeric;
  /** The seller's net where the gateway states it (mapping value rule `net`). */
  net_value: Numeric;
  currency: string | null;
  occurred_at: Timestamp;
  order_id: string | null;
  product_id: string | null;
  offer_id: string | null;
  buyer: Json<Record<string, unknown>>;
  tracking: Json<Record<string, unknown>>;
  flags: TextArray;
  related_id: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface DedupeRegistryTable {
  tenant_id: string;
  key: string;
  conversion_id: string | null;
  event_id: string;
  created_at: Generated<Date>;
}

export type MatchMethod = 'passthrough' | 'identity' | 'fingerprint' | 'unmatched';

export interface MatchesTable {
  tenant_id: string;
  conversion_id: string;
  method: MatchMethod;
  confidence: number;
  visitor_id: string | null;
  session_id: string | null;
  click_id: string | null;
  evidence: Json<Record<string, unknown>>;
  matched_at: Generated<Date>;
}

export type CapiEventStatus = 'pending' | 'waiting' | 'sent' | 'failed' | 'not_sendable' | 'skipped';

export interface CapiEventsTable {
  tenant_id: string;
  id: string;
  event_id: string;
  conversion_id: string | null;
  source_event_id: string;
  event_name: string;
  status: Generated<CapiEventStatus>;
  payload: Json<Record<string, unknown>>;
  attempts: Generated<number>;
  first_attempt_at: Date | null;
  next_attempt_at: Date | null;
  last_error: string | null;
  sent_at: Date | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface DispatchAttemptsTable {
  tenant_id: string;
  id: string;
  capi_event_id: string;
  attempted_at: Timestamp;
  outcome: string;
  http_status: number | null;
  events_received: number | null;
  fbtrace_id: string | null;
  error_code: number | null;
  error_subcode: number | null;
  error_message: string | null;
  duration_ms: number;
  next_retry_at: Date | null;
}

export interface SetupSessionsTable {
  tenant_id: string;
  id: string;
  status: Generated<string>;
  gateway: string | null;
  funnel_url: string | null;
  input: Json<Record<string, unknown>>;
  checks: Json<unknown[]>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface SetupMessagesTable {
  tenant_id: string;
  id: string;
  session_id: string;
  role: 'user' | 'assistant' | 'tool';
  content: string;
  created_at: Generated<Date>;
}

export interface SetupActionLogsTable {
  tenant_id: string;
  id: string;
  session_id: string;
  tool: string;
  args: Json<Record<string, unknown>>;
  result: Json | null;
  ok: boolean;
  created_at: Generated<Date>;
}

export interface JobsTable {
  id: string;
  queue: string;
  tenant_id: string | null;
  payload: Json;
  status: Generated<'ready' | 'dead'>;
  run_at: Timestamp;
  attempts: Generated<number>;
  max_attempts: Generated<number>;
  locked_by: string | null;
  locked_until: Date | null;
  last_error: string | null;
  created_at: Generated<Date>;
}

export interface OutboxTable {
  id: string;
  queue: string;
  tenant_id: string | null;
  payload: Json;
  created_at: Generated<Date>;
  locked_until: Date | null;
}

/** Origins the tracking API refused for a tenant (migration 0005); see store/refused-origins.ts. */
export interface RefusedOriginsTable {
  tenant_id: string;
  origin: string;
  count: ColumnType<number, number, number>;
  first_seen_at: Timestamp;
  last_seen_at: Timestamp;
}

export type AlertState = 'open' | 'resolved';

/** Alerts raised by the workers (migration 0008); see store/alerts.ts. */
export interface AlertsTable {
  id: string;
  tenant_id: string;
  rule: string;
  subject: string;
  state: Generated<AlertState>;
  opened_at: Timestamp;
  resolved_at: Date | null;
  last_evaluated_at: Timestamp;
  details: Json<Record<string, unknown>>;
  notified_at: Date | null;
}

/** What Meta's Graph API said about a tenant's connection, cached (migration 0008). */
export interface MetaReadingsTable {
  tenant_id: string;
  kind: 'token_debug' | 'dataset_quality';
  credential: string;
  fetched_at: Timestamp;
  value: Json<Record<string, unknown>>;
}

export interface SchemaMigrationsTable {
  version: string;
  name: string;
  applied_at: Generated<Date>;
}

export interface Database {
  conversion_mappings: ConversionMappingsTable;
  tenants: TenantsTable;
  api_keys: ApiKeysTable;
  funnels: FunnelsTable;
  connections: ConnectionsTable;
  events: EventsTable;
  webhook_rejections: WebhookRejectionsTable;
  sessions: SessionsTable;
  clicks: ClicksTable;
  identities: IdentitiesTable;
  conversions: ConversionsTable;
  dedupe_registry: DedupeRegistryTable;
  matches: MatchesTable;
  capi_events: CapiEventsTable;
  dispatch_attempts: DispatchAttemptsTable;
  setup_sessions: SetupSessionsTable;
  setup_messages: SetupMessagesTable;
  setup_action_logs: SetupActionLogsTable;
  jobs: JobsTable;
  outbox: OutboxTable;
  refused_origins: RefusedOriginsTable;
  alerts: AlertsTable;
  meta_readings: MetaReadingsTable;
  schema_migrations: SchemaMigrationsTable;
}

export type Tenant = Selectable<TenantsTable>;
export type Connection = Selectable<ConnectionsTable>;
export type Funnel = Selectable<FunnelsTable>;
export type EventRow = Selectable<EventsTable>;
export type NewEvent = Insertable<EventsTable>;
