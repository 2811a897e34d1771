-- Browser origins the tracking API refused for a tenant: a request carried the tenant's public key
-- from a page whose origin none of its funnels lists (usually a landing page missing from `origins`).
-- API processes count refusals in memory and add them here in batches; each flush keeps the 50
-- origins with the most refusals per tenant, so random origins cannot grow the table without bound.
CREATE TABLE refused_origins (
  tenant_id      text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  origin         text NOT NULL,
  count          bigint NOT NULL,
  first_seen_at  timestamptz NOT NULL,
  last_seen_at   timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, origin)
);
