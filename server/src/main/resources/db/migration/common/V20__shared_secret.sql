-- Secrets that every node must hold the same and that no setting gives (issue 14, decision 0029): the proof-of-work
-- CAPTCHA's HMAC key when portvakt.captcha.altcha.hmac-key is not set. Each is made by the first node that needs it;
-- nodes that start together each try to insert theirs, the primary key lets one win, and all read the winner. The
-- value is sealed like the signing keys (AES-256-GCM under portvakt.factors.encryption-key, associated data
-- 'shared-secret:' and the name), so a copy of the database alone does not give it away.
CREATE TABLE shared_secret (
    name        varchar(64)              NOT NULL PRIMARY KEY,
    sealed      varchar(1000)            NOT NULL,
    created_at  timestamp with time zone NOT NULL
);
