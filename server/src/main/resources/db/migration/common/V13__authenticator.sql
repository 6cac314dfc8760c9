-- Portvakt Authenticator (decision 0019): paired devices, pairing codes, push requests with number matching.
-- Every row hangs off the account and goes with it (ON DELETE CASCADE); turning 2FA off deletes the devices.

-- A paired device key: one per account on a device. The server keeps only the public key (a P-256 JWK); the id is
-- the JWS kid of the device's calls. The push columns hold its Web Push subscription, null when it has none.
CREATE TABLE authenticator_device (
    id            varchar(32)              NOT NULL PRIMARY KEY,
    account_id    varchar(36)              NOT NULL,
    name          varchar(100)             NOT NULL,
    public_jwk    varchar(1000)            NOT NULL,
    push_endpoint varchar(1000),
    push_p256dh   varchar(200),
    push_auth     varchar(100),
    created_at    timestamp with time zone NOT NULL,
    last_used_at  timestamp with time zone NOT NULL,
    CONSTRAINT authenticator_device_account FOREIGN KEY (account_id) REFERENCES account (id) ON DELETE CASCADE
);
CREATE INDEX authenticator_device_account_ix ON authenticator_device (account_id);

-- Pairing codes shown to a signed-in person: only the SHA-256 of the code; spent by one conditional UPDATE that
-- also names the device it paired (device_id), so of many devices racing one code exactly one pairs.
CREATE TABLE authenticator_pairing (
    code_hash   varchar(64)              NOT NULL PRIMARY KEY,
    account_id  varchar(36)              NOT NULL,
    flow_id     varchar(64)              NOT NULL,
    created_at  timestamp with time zone NOT NULL,
    expires_at  timestamp with time zone NOT NULL,
    used_at     timestamp with time zone,
    voided_at   timestamp with time zone,
    device_id   varchar(32),
    CONSTRAINT authenticator_pairing_account FOREIGN KEY (account_id) REFERENCES account (id) ON DELETE CASCADE
);
CREATE INDEX authenticator_pairing_flow ON authenticator_pairing (flow_id);

-- Requests to approve a sign-in. pending_flow_id is the flow id while the request is PENDING and null after, so the
-- unique constraint allows one pending request per flow (NULLs never clash). state: PENDING, APPROVED, DENIED,
-- WRONG_NUMBER, SUPERSEDED (a newer request of the flow), CANCELLED (the person chose another method).
-- choices: the three numbers the device shows, comma-separated; shown_number: the right one (the browser shows it).
-- spent_at: the browser went on with the approval (once). reported_at: "This wasn't me".
CREATE TABLE push_request (
    id              varchar(32)              NOT NULL PRIMARY KEY,
    account_id      varchar(36)              NOT NULL,
    flow_id         varchar(64)              NOT NULL,
    pending_flow_id varchar(64),
    shown_number    integer                  NOT NULL,
    choices         varchar(16)              NOT NULL,
    application     varchar(200),
    address         varchar(64),
    state           varchar(16)              NOT NULL,
    created_at      timestamp with time zone NOT NULL,
    expires_at      timestamp with time zone NOT NULL,
    decided_at      timestamp with time zone,
    decided_by      varchar(32),
    spent_at        timestamp with time zone,
    reported_at     timestamp with time zone,
    CONSTRAINT push_request_one_pending_per_flow UNIQUE (pending_flow_id),
    CONSTRAINT push_request_account FOREIGN KEY (account_id) REFERENCES account (id) ON DELETE CASCADE
);
CREATE INDEX push_request_flow ON push_request (flow_id, created_at);
CREATE INDEX push_request_account_ix ON push_request (account_id, created_at);

-- The jti of every message a device sent, until its iat could no longer pass the 120-second check: the primary key
-- refuses a replayed message on every node.
CREATE TABLE authenticator_message (
    device_id  varchar(32)              NOT NULL,
    jti        varchar(128)             NOT NULL,
    seen_at    timestamp with time zone NOT NULL,
    CONSTRAINT authenticator_message_pk PRIMARY KEY (device_id, jti),
    CONSTRAINT authenticator_message_device FOREIGN KEY (device_id) REFERENCES authenticator_device (id) ON DELETE CASCADE
);
CREATE INDEX authenticator_message_seen ON authenticator_message (seen_at);

-- Push paused for an account: after requests in a row were denied or not answered, or after "This wasn't me".
-- counted_from: only requests made after it count towards the next pause.
CREATE TABLE push_pause (
    account_id    varchar(36)              NOT NULL PRIMARY KEY,
    counted_from  timestamp with time zone NOT NULL,
    paused_until  timestamp with time zone NOT NULL,
    reason        varchar(16)              NOT NULL,
    CONSTRAINT push_pause_account FOREIGN KEY (account_id) REFERENCES account (id) ON DELETE CASCADE
);
