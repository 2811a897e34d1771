-- A connection can be `unverified`: saved, but its credentials could not be checked (Meta's Graph API
-- did not answer, or answered in a way that proves nothing either way). Events still go out on it —
-- unverified means "not checked", not "broken" — while `unhealthy` keeps them waiting.
-- 0001 declared the CHECK inline, so PostgreSQL named it <table>_<column>_check (PGlite is PostgreSQL
-- and names it the same way).
ALTER TABLE connections DROP CONSTRAINT connections_health_check;
ALTER TABLE connections ADD CONSTRAINT connections_health_check CHECK (health IN ('healthy', 'unhealthy', 'unverified'));
