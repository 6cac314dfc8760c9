-- "This wasn't me" on My account's Recent activity (issue 13, decision 0034): the account's next sign-in must choose a
-- new password before it goes on. Cleared whenever a new password is set (that step, a reset link, My account).
ALTER TABLE account ADD COLUMN password_change_required boolean DEFAULT FALSE NOT NULL;

-- Recent activity reads one account's events newest first, a page at a time from a keyset cursor (the event id).
CREATE INDEX audit_event_account_id ON audit_event (account_id, id);
