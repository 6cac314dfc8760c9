-- DatabaseThatStopsAnsweringTest's last migration, only where that test adds this location: it runs for 3 s, longer
-- than the 1 s socket timeout the test sets, as a migration on a large table may run longer than the default's 15 s.
SELECT pg_sleep(3);
