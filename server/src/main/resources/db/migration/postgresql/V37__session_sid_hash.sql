-- Decision 0072: the SHA-256 of each browser session's id (what an ID token's sid is made of, base64url), kept by the
-- database beside the id and indexed, so that a code exchange finds the one session that made its code instead of
-- reading and hashing every live session of the account. The session ids are UUIDs (ASCII), which decode(..., 'escape')
-- turns into their bytes unchanged; convert_to would too, but is not immutable, as a generated column needs.
ALTER TABLE SPRING_SESSION ADD COLUMN SID_HASH bytea GENERATED ALWAYS AS (sha256(decode(SESSION_ID, 'escape'))) STORED;
CREATE INDEX SPRING_SESSION_IX4 ON SPRING_SESSION (SID_HASH);
