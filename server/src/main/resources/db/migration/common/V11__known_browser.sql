-- The browser in which each account last signed in (decision 0015): the SHA-256 of the random mark in that
-- browser's PORTVAKT_BROWSER cookie. Recovery by email serves this browser past the limits strangers can reach.
CREATE TABLE known_browser (
    mark_hash   varchar(64)              NOT NULL PRIMARY KEY,
    account_id  varchar(36)              NOT NULL,
    expires_at  timestamp with time zone NOT NULL
);
CREATE INDEX known_browser_expiry ON known_browser (expires_at);
