-- Who vouches for an identity sighting (issue 15, finding 8). A public key is in every landing page, so
-- an e-mail or phone sent with it proves nothing about who typed it; one sent with the tenant's secret
-- key (its own server) does. The matcher prefers verified sightings and never lets an unverified one
-- override pass-through evidence (docs/matching.md). Every row stored so far came from a public-key
-- call, hence the default. A constant default adds the column without rewriting the table.
ALTER TABLE identities ADD COLUMN verified boolean NOT NULL DEFAULT false;
