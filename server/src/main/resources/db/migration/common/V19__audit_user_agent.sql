-- The browser a sign-in came from (its User-Agent header, cut to 300 characters), so that My account can say
-- "Previous sign-in: ..., Chrome on Windows, ..." (issue 13). Kept for the sign-in event; other events leave it empty.
ALTER TABLE audit_event ADD COLUMN user_agent varchar(300);
