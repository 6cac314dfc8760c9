-- Decision 0072: the SHA-256 of each browser session's id (what an ID token's sid is made of, base64url), kept by the
-- database beside the id and indexed, so that a code exchange finds the one session that made its code instead of
-- reading and hashing every live session of the account. H2's HASH takes a character string as its UTF-8 bytes.
ALTER TABLE SPRING_SESSION ADD COLUMN SID_HASH BINARY(32) GENERATED ALWAYS AS (HASH('SHA-256', SESSION_ID));
CREATE INDEX SPRING_SESSION_IX4 ON SPRING_SESSION (SID_HASH);
