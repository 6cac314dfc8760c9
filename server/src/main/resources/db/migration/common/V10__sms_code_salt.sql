-- SMS codes are stored as an HMAC (keyed by the server) of a random salt of their own and the code, no longer as
-- a SHA-256 salted with the row id. Codes live 5 minutes: the ones waiting now are dropped (the person asks for
-- a new one) rather than kept in the old form.
DELETE FROM sms_code;
ALTER TABLE sms_code ADD COLUMN code_salt varchar(24) NOT NULL;
