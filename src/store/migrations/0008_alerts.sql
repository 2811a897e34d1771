-- Alerts the workers raise for a tenant (docs/operations.md, "Tenant alerts"): a paid sale not
-- accepted by Meta in time, a refused or expiring token, a low delivery rate, a burst of signature
-- failures, a silent gateway, events near Meta's 7-day limit. One row per occurrence: a condition
-- that stays true keeps its one open row (the partial unique index makes that hold even with two
-- evaluators); when it clears the row is resolved, and a later occurrence opens a new row.
-- `notified_at` is null while the row's current state (opened, or resolved) is still owed to the
-- tenant's alert webhook.
CREATE TABLE alerts (
  tenant_id          text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  id                 text NOT NULL,
  rule               text NOT NULL,
  -- what the rule is about: 'meta' (the Meta connection and its events) or a gateway name
  subject            text NOT NULL,
  state              text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'resolved')),
  opened_at          timestamptz NOT NULL,
  resolved_at        timestamptz,
  last_evaluated_at  timestamptz NOT NULL,
  -- counts, ids and times only: never a buyer's data
  details            jsonb NOT NULL DEFAULT '{}'::jsonb,
  notified_at        timestamptz,
  PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX alerts_open_idx ON alerts (tenant_id, rule, subject) WHERE state = 'open';
CREATE INDEX alerts_tenant_idx ON alerts (tenant_id, opened_at DESC, id DESC);
CREATE INDEX alerts_owed_idx ON alerts (tenant_id) WHERE notified_at IS NULL;

-- What Meta's Graph API said about a tenant's Meta connection, kept so it is asked rarely: the token's
-- expiry (GET /debug_token, a day) and the dataset's quality (GET /dataset_quality, hours).
-- `credential` is a digest of the stored (sealed) token and pixel: a new token makes the reading stale.
CREATE TABLE meta_readings (
  tenant_id    text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  kind         text NOT NULL CHECK (kind IN ('token_debug', 'dataset_quality')),
  credential   text NOT NULL,
  fetched_at   timestamptz NOT NULL,
  value        jsonb NOT NULL,
  PRIMARY KEY (tenant_id, kind)
);
