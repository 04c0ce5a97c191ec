-- The person a request with an Identity-Token or Session-Token speaks for, part of its
-- idempotency fingerprint: '' without a token. NULL on records made before it was kept,
-- which are compared without it.
ALTER TABLE idempotency_keys ADD COLUMN subject TEXT;
