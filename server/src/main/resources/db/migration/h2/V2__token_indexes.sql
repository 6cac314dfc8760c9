-- Token look-ups by value (refresh, introspection, revocation).
CREATE INDEX oauth2_authorization_code_value ON oauth2_authorization (authorization_code_value);
CREATE INDEX oauth2_authorization_access_token_value ON oauth2_authorization (access_token_value);
CREATE INDEX oauth2_authorization_refresh_token_value ON oauth2_authorization (refresh_token_value);
CREATE INDEX oauth2_authorization_state ON oauth2_authorization (state);
