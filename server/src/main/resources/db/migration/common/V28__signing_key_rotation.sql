-- Signing-key rotation (issue 14, decision 0041): a new key is published at once but signs only from sign_from
-- (its creation + portvakt.signing-keys.overlap); the key it replaces stays published until retire_after (the new
-- key's sign_from + the longest lifetime of a token it signed), then leaves the JWK Set, and housekeeping deletes it
-- a day later. Both are read by time on every node, so nodes agree without telling each other. NULL sign_from:
-- signs from its creation (keys made before this version, or by an older node during a rolling upgrade); NULL
-- retire_after: not replaced.
ALTER TABLE signing_key ADD COLUMN sign_from timestamp with time zone;
ALTER TABLE signing_key ADD COLUMN retire_after timestamp with time zone;
