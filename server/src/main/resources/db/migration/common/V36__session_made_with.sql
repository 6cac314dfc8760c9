-- Decision 0067: the account and its last passed factor ("<account id> <factor>@<epoch second>") when the browser's
-- session was made for this flow, in the request in which that factor passed; null otherwise. The sign-in's end
-- keeps that session (no new id) while the flow's last factor is still that one. Written once, with the flow's insert.
ALTER TABLE signin_flow ADD COLUMN session_made_with varchar(300);
