-- 0001: the Hub's whole data model. Frozen: never edit a migration that has shipped; add a new one.
-- Conventions: ids are prefixed text (ten_…, evt_…), times are timestamptz (UTC), money is numeric plus an
-- ISO 4217 currency. Every tenant-owned table has tenant_id and every lookup index starts with it.

CREATE TABLE tenants (
  id          text PRIMARY KEY,
  name        text NOT NULL,
  public_key  text NOT NULL UNIQUE,
  -- per-tenant settings: attribution windows, fingerprint matching, refund opt-in…
  settings    jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- Secret API keys, stored only as SHA-256 of the key (the key itself is shown once).
CREATE TABLE api_keys (
  id          text PRIMARY KEY,
  tenant_id   text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  key_hash    text NOT NULL UNIQUE,
  hint        text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  revoked_at  timestamptz
);
CREATE INDEX api_keys_tenant_idx ON api_keys (tenant_id);

CREATE TABLE funnels (
  tenant_id       text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  slug            text NOT NULL,
  origins         text[] NOT NULL DEFAULT '{}',
  checkout_hosts  text[] NOT NULL DEFAULT '{}',
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, slug)
);

-- Meta and gateway connections. `settings` holds what may be shown; `secret_ciphertext` is AES-256-GCM.
CREATE TABLE connections (
  tenant_id          text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  kind               text NOT NULL CHECK (kind IN ('meta', 'hotmart', 'kiwify', 'stripe')),
  settings           jsonb NOT NULL DEFAULT '{}'::jsonb,
  secret_ciphertext  text NOT NULL,
  secret_hint        text NOT NULL,
  health             text NOT NULL DEFAULT 'healthy' CHECK (health IN ('healthy', 'unhealthy')),
  health_reason      text,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, kind)
);

-- Everything ingested (track calls and webhook deliveries), kept as evidence.
CREATE TABLE events (
  id            text PRIMARY KEY,
  tenant_id     text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  type          text NOT NULL CHECK (type IN ('click', 'pageview', 'initiate_checkout', 'webhook')),
  gateway       text,
  -- the gateway's own id of the delivery (or the client eventId for track calls): idempotency
  delivery_key  text,
  status        text NOT NULL DEFAULT 'received' CHECK (status IN
                  ('received', 'processed', 'matched', 'unmatched', 'dispatched', 'failed', 'unprocessable', 'rejected')),
  flags         text[] NOT NULL DEFAULT '{}',
  occurred_at   timestamptz NOT NULL,
  received_at   timestamptz NOT NULL DEFAULT now(),
  payload       jsonb,
  raw_body      bytea,
  raw_headers   jsonb,
  evidence_ref  text,
  client_ip     text,
  user_agent    text,
  error         text,
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX events_delivery_idx ON events (tenant_id, type, coalesce(gateway, ''), delivery_key);
CREATE INDEX events_tenant_received_idx ON events (tenant_id, received_at DESC, id DESC);
CREATE INDEX events_tenant_status_idx ON events (tenant_id, status, received_at DESC);

-- A webhook that failed authentication leaves only this: never the body.
CREATE TABLE webhook_rejections (
  id           text PRIMARY KEY,
  tenant_id    text,
  gateway      text NOT NULL,
  source_ip    text,
  reason       text NOT NULL,
  received_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_rejections_tenant_idx ON webhook_rejections (tenant_id, received_at DESC);

-- Tracking: visitors' sessions, their clicks, and the identities they told us (hashed).
CREATE TABLE sessions (
  tenant_id     text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  id            text NOT NULL,
  visitor_id    text NOT NULL,
  funnel_slug   text,
  started_at    timestamptz NOT NULL,
  last_seen_at  timestamptz NOT NULL,
  click_id      text,
  fbclid        text,
  fbc           text,
  fbp           text,
  landing_url   text,
  referrer      text,
  utm           jsonb NOT NULL DEFAULT '{}'::jsonb,
  client_ip     text,
  user_agent    text,
  is_bot        boolean NOT NULL DEFAULT false,
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX sessions_visitor_idx ON sessions (tenant_id, visitor_id, last_seen_at DESC);
CREATE INDEX sessions_network_idx ON sessions (tenant_id, client_ip, last_seen_at DESC);

CREATE TABLE clicks (
  tenant_id    text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  id           text NOT NULL,
  event_id     text NOT NULL,
  visitor_id   text NOT NULL,
  session_id   text NOT NULL,
  occurred_at  timestamptz NOT NULL,
  fbclid       text,
  gclid        text,
  ttclid       text,
  fbc          text,
  fbp          text,
  url          text,
  utm          jsonb NOT NULL DEFAULT '{}'::jsonb,
  client_ip    text,
  user_agent   text,
  is_bot       boolean NOT NULL DEFAULT false,
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX clicks_session_idx ON clicks (tenant_id, session_id, occurred_at DESC);
CREATE INDEX clicks_visitor_idx ON clicks (tenant_id, visitor_id, occurred_at DESC);

CREATE TABLE identities (
  tenant_id    text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  kind         text NOT NULL CHECK (kind IN ('email', 'phone')),
  value_hash   text NOT NULL,
  visitor_id   text NOT NULL,
  session_id   text NOT NULL,
  event_id     text NOT NULL,
  source       text NOT NULL,
  seen_at      timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, kind, value_hash, session_id)
);
CREATE INDEX identities_lookup_idx ON identities (tenant_id, kind, value_hash, seen_at DESC);

-- Purchases and their lifecycle, one row per (tenant, gateway, transaction, kind).
CREATE TABLE conversions (
  tenant_id       text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  id              text NOT NULL,
  event_id        text NOT NULL,
  gateway         text NOT NULL,
  transaction_id  text NOT NULL,
  kind            text NOT NULL,
  status          text NOT NULL DEFAULT 'processed',
  value           numeric,
  currency        text,
  occurred_at     timestamptz NOT NULL,
  order_id        text,
  product_id      text,
  offer_id        text,
  -- the normalized buyer (PII: masked in operator views, hashed before it leaves) and tracking params
  buyer           jsonb NOT NULL DEFAULT '{}'::jsonb,
  tracking        jsonb NOT NULL DEFAULT '{}'::jsonb,
  flags           text[] NOT NULL DEFAULT '{}',
  related_id      text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, gateway, transaction_id, kind)
);
CREATE INDEX conversions_event_idx ON conversions (tenant_id, event_id);
CREATE INDEX conversions_transaction_idx ON conversions (tenant_id, gateway, transaction_id);

-- Keys that say "this was seen already" (deliveries, conversions), first writer wins.
CREATE TABLE dedupe_registry (
  tenant_id      text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  key            text NOT NULL,
  conversion_id  text,
  event_id       text NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, key)
);

CREATE TABLE matches (
  tenant_id      text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  conversion_id  text NOT NULL,
  method         text NOT NULL CHECK (method IN ('passthrough', 'identity', 'fingerprint', 'unmatched')),
  confidence     real NOT NULL,
  visitor_id     text,
  session_id     text,
  click_id       text,
  evidence       jsonb NOT NULL DEFAULT '{}'::jsonb,
  matched_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, conversion_id)
);
CREATE INDEX matches_session_idx ON matches (tenant_id, session_id);

-- What goes to Meta: one row per deterministic Meta event_id.
CREATE TABLE capi_events (
  tenant_id        text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  id               text NOT NULL,
  event_id         text NOT NULL,
  conversion_id    text,
  source_event_id  text NOT NULL,
  event_name       text NOT NULL,
  status           text NOT NULL DEFAULT 'pending' CHECK (status IN
                     ('pending', 'waiting', 'sent', 'failed', 'not_sendable', 'skipped')),
  payload          jsonb NOT NULL,
  attempts         integer NOT NULL DEFAULT 0,
  first_attempt_at timestamptz,
  next_attempt_at  timestamptz,
  last_error       text,
  sent_at          timestamptz,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, event_id)
);
CREATE INDEX capi_events_conversion_idx ON capi_events (tenant_id, conversion_id);
CREATE INDEX capi_events_source_idx ON capi_events (tenant_id, source_event_id);
CREATE INDEX capi_events_status_idx ON capi_events (tenant_id, status, next_attempt_at);

CREATE TABLE dispatch_attempts (
  tenant_id        text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  id               text NOT NULL,
  capi_event_id    text NOT NULL,
  attempted_at     timestamptz NOT NULL,
  outcome          text NOT NULL,
  http_status      integer,
  events_received  integer,
  fbtrace_id       text,
  error_code       integer,
  error_subcode    integer,
  error_message    text,
  duration_ms      integer NOT NULL,
  next_retry_at    timestamptz,
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX dispatch_attempts_event_idx ON dispatch_attempts (tenant_id, capi_event_id, attempted_at);

-- Setup wizard and setup agent.
CREATE TABLE setup_sessions (
  tenant_id    text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  id           text NOT NULL,
  status       text NOT NULL DEFAULT 'draft',
  gateway      text,
  funnel_url   text,
  input        jsonb NOT NULL DEFAULT '{}'::jsonb,
  checks       jsonb NOT NULL DEFAULT '[]'::jsonb,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id)
);

CREATE TABLE setup_messages (
  tenant_id    text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  id           text NOT NULL,
  session_id   text NOT NULL,
  role         text NOT NULL CHECK (role IN ('user', 'assistant', 'tool')),
  content      text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX setup_messages_session_idx ON setup_messages (tenant_id, session_id, created_at);

CREATE TABLE setup_action_logs (
  tenant_id    text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  id           text NOT NULL,
  session_id   text NOT NULL,
  tool         text NOT NULL,
  args         jsonb NOT NULL DEFAULT '{}'::jsonb,
  result       jsonb,
  ok           boolean NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX setup_action_logs_session_idx ON setup_action_logs (tenant_id, session_id, created_at);

-- The database queue driver: jobs claimed with FOR UPDATE SKIP LOCKED. Claims are by queue, across
-- tenants, so its claim index starts with the queue; tenant_id is still recorded on every job.
CREATE TABLE jobs (
  id            text PRIMARY KEY,
  queue         text NOT NULL,
  tenant_id     text,
  payload       jsonb NOT NULL,
  status        text NOT NULL DEFAULT 'ready' CHECK (status IN ('ready', 'dead')),
  run_at        timestamptz NOT NULL DEFAULT now(),
  attempts      integer NOT NULL DEFAULT 0,
  max_attempts  integer NOT NULL DEFAULT 10,
  locked_by     text,
  locked_until  timestamptz,
  last_error    text,
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX jobs_claim_idx ON jobs (queue, run_at) WHERE status = 'ready';
CREATE INDEX jobs_dead_idx ON jobs (tenant_id, queue, created_at) WHERE status = 'dead';

-- Outbox for external queues (SQS): rows written with the event, published by a relay.
CREATE TABLE outbox (
  id            text PRIMARY KEY,
  queue         text NOT NULL,
  tenant_id     text,
  payload       jsonb NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  locked_until  timestamptz
);
CREATE INDEX outbox_created_idx ON outbox (created_at);
