-- The dispatch retry backlog (/metrics, every scrape) counts unsent CAPI events across tenants; this
-- partial index holds only those, so the count reads a small index however many events were sent.
-- It leads with tenant_id like every index on a tenant's table (and serves per-tenant lookups too).
CREATE INDEX capi_events_backlog_idx ON capi_events (tenant_id, status, next_attempt_at) WHERE status IN ('pending', 'waiting');
