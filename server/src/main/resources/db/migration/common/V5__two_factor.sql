-- Two-factor authentication (journey steps 4, 4b, 4c and 5).

-- The second factors an account has: at most one of each kind (TOTP, SMS, EMERGENCY_CODE; PUSH later).
-- secret: TOTP: the key, AES-GCM encrypted with the configured key (it cannot be hashed: the server computes
--         codes from it); EMERGENCY_CODE: the SHA-256 of the code (hex), so using it is one DELETE.
-- phone:  SMS: the confirmed number in E.164.
-- last_step: TOTP: the last time step accepted, so a code is never accepted twice (replay).
CREATE TABLE account_factor (
    account_id    varchar(36)              NOT NULL,
    kind          varchar(16)              NOT NULL,
    secret        varchar(500),
    phone         varchar(20),
    last_step     bigint,
    created_at    timestamp with time zone NOT NULL,
    last_used_at  timestamp with time zone,
    CONSTRAINT account_factor_pk PRIMARY KEY (account_id, kind),
    CONSTRAINT account_factor_account FOREIGN KEY (account_id) REFERENCES account (id) ON DELETE CASCADE
);

-- A factor being set up, not yet confirmed: the TOTP key until the first code is entered, the SMS number until
-- its code is entered, the emergency code's hash until "I have safely copied..." is ticked. Replaced by a new
-- start; moved into account_factor when confirmed.
CREATE TABLE pending_factor (
    account_id  varchar(36)              NOT NULL,
    kind        varchar(16)              NOT NULL,
    secret      varchar(500),
    phone       varchar(20),
    created_at  timestamp with time zone NOT NULL,
    expires_at  timestamp with time zone NOT NULL,
    CONSTRAINT pending_factor_pk PRIMARY KEY (account_id, kind),
    CONSTRAINT pending_factor_account FOREIGN KEY (account_id) REFERENCES account (id) ON DELETE CASCADE
);

-- Codes sent by SMS, for signing in or for confirming a number. Stored as a salted SHA-256 (salt = the row id);
-- spent by one conditional UPDATE (used_at IS NULL and not expired), so two submissions cannot both pass.
CREATE TABLE sms_code (
    id          varchar(36)              NOT NULL PRIMARY KEY,
    account_id  varchar(36)              NOT NULL,
    purpose     varchar(16)              NOT NULL,
    phone       varchar(20)              NOT NULL,
    code_hash   varchar(64)              NOT NULL,
    attempts    integer                  NOT NULL DEFAULT 0,
    created_at  timestamp with time zone NOT NULL,
    expires_at  timestamp with time zone NOT NULL,
    used_at     timestamp with time zone,
    CONSTRAINT sms_code_account FOREIGN KEY (account_id) REFERENCES account (id) ON DELETE CASCADE
);
CREATE INDEX sms_code_account_purpose ON sms_code (account_id, purpose);

-- "Remind me later" on the 2FA prompt: not asked again before this time.
ALTER TABLE account ADD COLUMN two_factor_snoozed_until timestamp with time zone;
