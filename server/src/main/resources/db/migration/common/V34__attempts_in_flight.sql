-- Attempts counted while their check runs (decision 0053): a password check is counted in `inflight` before it is
-- made and moved to `hits` when it fails, or taken off when it was right. `inflight_at` is when this row last
-- counted one: every check of the row is over a while after that (portvakt.limits.in-flight-expiry), so an
-- in-flight count that was never resolved (a database outage between the count and the check's end) counts no
-- more from then on. Null: nothing was ever counted in flight here.
ALTER TABLE attempt_counter ADD COLUMN inflight integer DEFAULT 0 NOT NULL;
ALTER TABLE attempt_counter ADD COLUMN inflight_at timestamp with time zone;
