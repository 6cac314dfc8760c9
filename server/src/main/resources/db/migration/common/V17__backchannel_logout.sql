-- Logout tokens owed to applications (OpenID Connect Back-Channel Logout 1.0, decision 0025): a row is written when a
-- person's session ends and deleted once the application answered 2xx or the last attempt failed (both audited), so
-- a notice survives a node's restart and never holds up the person's sign-out page. The token itself is signed at
-- each attempt (fresh iat, exp and jti); the row keeps only whom to tell about what. Nodes sharing the database
-- take a row by raising its attempts with a conditional UPDATE, so each attempt is made by one node.
CREATE TABLE backchannel_logout (
    id              varchar(36)              NOT NULL PRIMARY KEY,
    client_id       varchar(100)             NOT NULL,
    account_id      varchar(36)              NOT NULL,
    sid             varchar(100),
    reason          varchar(40)              NOT NULL,
    attempts        integer                  NOT NULL,
    next_attempt_at timestamp with time zone NOT NULL,
    created_at      timestamp with time zone NOT NULL
);
CREATE INDEX backchannel_logout_next_attempt_at ON backchannel_logout (next_attempt_at);
