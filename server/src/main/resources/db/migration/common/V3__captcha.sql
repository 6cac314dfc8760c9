-- Solved proof-of-work CAPTCHA challenges (the challenge is itself a SHA-256 hash): the primary key makes a second
-- use fail, on every node. Rows are purged once the challenge has expired.
CREATE TABLE captcha_spent (
    challenge   varchar(64)              NOT NULL PRIMARY KEY,
    expires_at  timestamp with time zone NOT NULL
);
CREATE INDEX captcha_spent_expires_at ON captcha_spent (expires_at);
