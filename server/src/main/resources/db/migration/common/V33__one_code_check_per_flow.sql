-- One code check at a time per sign-in (decision 0052): until when the request that checks a code of this flow holds
-- the check. Null: no check under way.
ALTER TABLE signin_flow ADD COLUMN code_check_until timestamp with time zone;
