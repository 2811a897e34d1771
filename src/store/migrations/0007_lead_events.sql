-- Leads (POST /api/v1/track/lead, the pixel's hub('lead', {email, phone})) are tracking events of their
-- own type. 0001 declared the CHECK on events.type inline, so PostgreSQL named it
-- <table>_<column>_check (PGlite is PostgreSQL and names it the same way); it is replaced by one that
-- also allows 'lead'. NOT VALID: every stored row passed the narrower check, so re-checking them would
-- only scan the largest table while this transaction holds its exclusive lock (ingest waiting). New
-- and updated rows are checked as with any constraint.
ALTER TABLE events DROP CONSTRAINT events_type_check;
ALTER TABLE events ADD CONSTRAINT events_type_check CHECK (type IN ('click', 'pageview', 'initiate_checkout', 'lead', 'webhook')) NOT VALID;
