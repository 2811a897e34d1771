-- Webhook rejections are aggregated (issue 15): API processes count failed deliveries in memory and
-- write one row per (tenant, gateway, reason, source IP) and flush period, saying how many rejections
-- it stands for. `count` is that number (1 for the rows written before this migration, one per
-- rejection); `first_seen_at` the first of them (NULL on older rows: the same as `received_at`), and
-- `received_at` the last. Counting rejections in a time window is `sum(count)`, not `count(*)`.
-- Both columns are added without rewriting the table (a constant default, a nullable column).
ALTER TABLE webhook_rejections ADD COLUMN count integer NOT NULL DEFAULT 1;
ALTER TABLE webhook_rejections ADD COLUMN first_seen_at timestamptz;
