-- Client-credentials access tokens that were revoked before they expired (decision 0054): such a token has no
-- oauth2_authorization row (it is a self-contained JWT), so its id (jti) is kept here until the token's own expiry,
-- after which the token is inactive anyway and housekeeping deletes the row.
CREATE TABLE revoked_access_token (
    jti        varchar(100)             NOT NULL PRIMARY KEY,
    expires_at timestamp with time zone NOT NULL
);
CREATE INDEX revoked_access_token_expires_at ON revoked_access_token (expires_at);
