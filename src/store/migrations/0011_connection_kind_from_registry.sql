-- Which gateways a tenant can connect is the gateway registry's to say (src/domain/gateways/
-- gateway-registry.ts): a CHECK listing them here would have to change with every new gateway, and a
-- migration cannot read the registry. The API validates the kind before anything is written (one route
-- per registered gateway, and meta). What stays here is the shape of a name, so a row can never carry
-- something that is not one.
-- 0001 declared the CHECK inline, so PostgreSQL named it <table>_<column>_check (PGlite is PostgreSQL
-- and names it the same way).
ALTER TABLE connections DROP CONSTRAINT connections_kind_check;
ALTER TABLE connections ADD CONSTRAINT connections_kind_check CHECK (kind ~ '^[a-z][a-z0-9_]{0,39}$');
