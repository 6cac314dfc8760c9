-- Housekeeping by one node at a time (decision 0030): the single row whose holder may purge until lease_until,
-- taken by a conditional UPDATE. The holder is a process (pid@host/random), NULL when free.
CREATE TABLE housekeeping_lease (
    id           smallint                 NOT NULL PRIMARY KEY CHECK (id = 1),
    holder       varchar(100),
    lease_until  timestamp with time zone NOT NULL
);
INSERT INTO housekeeping_lease (id, holder, lease_until) VALUES (1, NULL, TIMESTAMP WITH TIME ZONE '1970-01-01 00:00:00+00');

-- A counter window is needed until the sliding window no longer reaches it (its start plus two windows); the row
-- says when, since the window length belongs to the limit, not the row. Rows from before: two days is more than
-- any window's two.
ALTER TABLE attempt_counter ADD COLUMN expires_at timestamp with time zone;
UPDATE attempt_counter SET expires_at = window_start + INTERVAL '2' DAY;
ALTER TABLE attempt_counter ALTER COLUMN expires_at SET NOT NULL;
CREATE INDEX attempt_counter_expires_at ON attempt_counter (expires_at);

-- Purged in batches by expiry: without an index each batch would read the whole table.
CREATE INDEX recovery_token_expires_at ON recovery_token (expires_at);
CREATE INDEX sms_code_expires_at ON sms_code (expires_at);
CREATE INDEX pending_factor_expires_at ON pending_factor (expires_at);
CREATE INDEX authenticator_pairing_expires_at ON authenticator_pairing (expires_at);
CREATE INDEX push_request_expires_at ON push_request (expires_at);
