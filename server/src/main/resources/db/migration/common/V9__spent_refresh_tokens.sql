-- Refresh tokens that were rotated away (SHA-256 of the token, never the token): Spring keeps only a family's newest
-- refresh token in its oauth2_authorization row, so this is how a used one is recognised when it comes back, and its
-- whole authorization revoked (RFC 9700 4.14.2). A row is needed only while the family's newest token could still be
-- used, and is purged after.
CREATE TABLE spent_refresh_token (
    token_hash       varchar(64)              NOT NULL PRIMARY KEY,
    authorization_id varchar(100)             NOT NULL,
    expires_at       timestamp with time zone NOT NULL
);
CREATE INDEX spent_refresh_token_expires_at ON spent_refresh_token (expires_at);
