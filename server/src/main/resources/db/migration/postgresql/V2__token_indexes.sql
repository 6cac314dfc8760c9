-- Token look-ups by value (refresh, introspection, revocation). Hash indexes: no length limit, equality only.
CREATE INDEX oauth2_authorization_code_value ON oauth2_authorization USING hash (authorization_code_value);
CREATE INDEX oauth2_authorization_access_token_value ON oauth2_authorization USING hash (access_token_value);
CREATE INDEX oauth2_authorization_refresh_token_value ON oauth2_authorization USING hash (refresh_token_value);
CREATE INDEX oauth2_authorization_state ON oauth2_authorization (state);
