-- The server's VAPID key pair for Web Push (RFC 8292, decision 0020): one per installation, made at first start,
-- the same on every node, since each push subscription is bound to it. The private part is sealed like the signing
-- keys (AES-256-GCM under portvakt.factors.encryption-key, associated data 'vapid-key:' and the kid). The key of
-- the single row (id = 1) lets nodes that start together insert one key between them: the others' inserts fail
-- and they read the row that won.
CREATE TABLE vapid_key (
    id          smallint                 NOT NULL PRIMARY KEY CHECK (id = 1),
    kid         varchar(64)              NOT NULL,
    jwk         varchar(2000)            NOT NULL,
    created_at  timestamp with time zone NOT NULL
);
