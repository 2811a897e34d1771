-- Key rotation with an overlap: a rotated secret key gets a future revoked_at (it works until then);
-- a rotated public key stays accepted beside the new one until previous_public_key_expires_at, so
-- pages still carrying the old tag keep tracking while the seller replaces it.
ALTER TABLE tenants ADD COLUMN previous_public_key text UNIQUE;
ALTER TABLE tenants ADD COLUMN previous_public_key_expires_at timestamptz;
