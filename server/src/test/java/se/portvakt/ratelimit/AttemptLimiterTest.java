package se.portvakt.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;

import se.portvakt.ratelimit.AttemptLimiter.Admission;
import se.portvakt.ratelimit.AttemptLimiter.Admission.Admitted;
import se.portvakt.ratelimit.AttemptLimiter.Admission.Blocked;
import se.portvakt.ratelimit.AttemptLimiter.Counted;
import se.portvakt.ratelimit.AttemptLimiter.Limit;
import se.portvakt.testing.OnH2;
import se.portvakt.testing.OnPostgres;
import se.portvakt.testing.Race;

/** Sliding-window counting of failed attempts, in the database that every node shares. */
abstract class AttemptLimiterTest {

    @OnH2
    static class OnEmbeddedDatabase extends AttemptLimiterTest {}

    @OnPostgres
    static class OnPostgreSql extends AttemptLimiterTest {}

    @Autowired
    AttemptLimiter limiter;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    DataSource dataSource;

    @Value("${spring.datasource.url}")
    String databaseUrl;

    @Test
    void aKeyUnderItsLimitMayTry() {
        Limit limit = new Limit("test." + UUID.randomUUID(), 3, Duration.ofHours(1));
        String key = "anna@company.com";
        startOfAWindow(limit);

        assertThat(limiter.blockedFor(limit, key)).isZero();
        limiter.record(limit, key);
        limiter.record(limit, key);
        assertThat(limiter.blockedFor(limit, key)).isZero();
    }

    @Test
    void aKeyAtItsLimitWaitsUntilTheWindowEnds() {
        Limit limit = new Limit("test." + UUID.randomUUID(), 3, Duration.ofHours(1));
        String key = "anna@company.com";
        startOfAWindow(limit);
        for (int i = 0; i < 3; i++) {
            limiter.record(limit, key);
        }

        Duration wait = limiter.blockedFor(limit, key);

        assertThat(wait).isPositive().isLessThanOrEqualTo(limit.window());
        long millisIntoWindow = Instant.now().toEpochMilli() % limit.window().toMillis();
        assertThat(wait.toMillis()).isCloseTo(limit.window().toMillis() - millisIntoWindow, org.assertj.core.data.Offset.offset(2_000L));
    }

    @Test
    void keysAndLimitsAreCountedApart() {
        Limit limit = new Limit("test." + UUID.randomUUID(), 2, Duration.ofHours(1));
        Limit other = new Limit("test." + UUID.randomUUID(), 2, Duration.ofHours(1));
        startOfAWindow(limit);
        limiter.record(limit, "anna@company.com");
        limiter.record(limit, "anna@company.com");

        assertThat(limiter.blockedFor(limit, "anna@company.com")).isPositive();
        assertThat(limiter.blockedFor(limit, "bo@company.com")).isZero();
        assertThat(limiter.blockedFor(other, "anna@company.com")).isZero();
    }

    @Test
    void aNewWindowStartsFromZero() throws InterruptedException {
        Limit limit = new Limit("test." + UUID.randomUUID(), 2, Duration.ofSeconds(2));
        startOfAWindow(limit);
        limiter.record(limit, "key");
        limiter.record(limit, "key");
        assertThat(limiter.blockedFor(limit, "key")).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(2));

        Thread.sleep(limiter.blockedFor(limit, "key").toMillis() + 50);

        assertThat(limiter.blockedFor(limit, "key")).isZero();
    }

    @Test
    void concurrentFirstAttemptsAreAllCounted() throws Exception {
        Limit limit = new Limit("test." + UUID.randomUUID(), 8, Duration.ofHours(1));
        startOfAWindow(limit);
        var pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            var start = new java.util.concurrent.CountDownLatch(1);
            var done = new java.util.ArrayList<java.util.concurrent.Future<?>>();
            for (int i = 0; i < 8; i++) {
                done.add(pool.submit(() -> {
                    start.await();
                    limiter.record(limit, "raced");
                    return null;
                }));
            }
            start.countDown();
            for (var f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        assertThat(limiter.blockedFor(limit, "raced")).isPositive();
    }

    @Test
    void aVeryLongKeyIsCountedWithoutFailing() {
        Limit limit = new Limit("test." + UUID.randomUUID(), 1, Duration.ofHours(1));
        startOfAWindow(limit);
        String key = "x".repeat(10_000);
        limiter.record(limit, key);
        assertThat(limiter.blockedFor(limit, key)).isPositive();
    }

    @Test
    void endedWindowsArePurged() {
        Limit limit = new Limit("test." + UUID.randomUUID(), 1, Duration.ofHours(1));
        limiter.record(limit, "old");
        assertThat(limiter.purgeBatch(Instant.now().plus(Duration.ofDays(1)), 1_000)).isPositive();
        assertThat(limiter.blockedFor(limit, "old")).isZero();
    }

    @Test
    void attemptsAreAdmittedUpToTheLimitThenBlockedUntilTheWindowEnds() {
        Limit limit = new Limit("test." + UUID.randomUUID(), 3, Duration.ofHours(1));
        startOfAWindow(limit);
        for (int i = 0; i < 3; i++) {
            assertThat(limiter.admit(new Counted(limit, "key"))).as("attempt %d", i + 1).isInstanceOf(Admitted.class);
        }

        Admission fourth = limiter.admit(new Counted(limit, "key"));

        assertThat(fourth).isInstanceOf(Blocked.class);
        assertThat(((Blocked) fourth).retryAfter()).isPositive().isLessThanOrEqualTo(limit.window());
        assertThat(limiter.blockedFor(limit, "key")).as("the same count as the older reads").isPositive();
    }

    @Test
    void releasedAttemptsAreNotCounted() {
        Limit limit = new Limit("test." + UUID.randomUUID(), 2, Duration.ofHours(1));
        startOfAWindow(limit);
        for (int i = 0; i < 5; i++) {
            Admission right = limiter.admit(new Counted(limit, "key"));
            assertThat(right).as("attempt %d", i + 1).isInstanceOf(Admitted.class);
            limiter.release(right);
        }
        assertThat(limiter.blockedFor(limit, "key")).isZero();
    }

    @Test
    void anAttemptBlockedByOneLimitIsNotCountedByTheOthers() {
        Limit wide = new Limit("test." + UUID.randomUUID(), 3, Duration.ofHours(1));
        Limit narrow = new Limit("test." + UUID.randomUUID(), 1, Duration.ofHours(1));
        startOfAWindow(wide);
        assertThat(limiter.admit(new Counted(wide, "anna"), new Counted(narrow, "10.0.0.1"))).isInstanceOf(Admitted.class);
        for (int i = 0; i < 5; i++) {
            assertThat(limiter.admit(new Counted(wide, "anna"), new Counted(narrow, "10.0.0.1"))).isInstanceOf(Blocked.class);
        }

        assertThat(limiter.admit(new Counted(wide, "anna"))).isInstanceOf(Admitted.class);
        assertThat(limiter.admit(new Counted(wide, "anna"))).isInstanceOf(Admitted.class);
        assertThat(limiter.admit(new Counted(wide, "anna"))).isInstanceOf(Blocked.class);
    }

    @Test
    void attemptsArrivingAtOnceAreAdmittedExactlyUpToTheLimit() throws Exception {
        Limit limit = new Limit("test." + UUID.randomUUID(), 8, Duration.ofHours(1));
        startOfAWindow(limit);

        List<Admission> admissions = Race.run(64, () -> limiter.admit(new Counted(limit, "raced")));

        assertThat(admissions).filteredOn(Admitted.class::isInstance).hasSize(8);
    }

    @Test
    void aBurstOnBothSidesOfAWindowsEndIsCountedTogether() throws InterruptedException {
        Limit limit = new Limit("test." + UUID.randomUUID(), 10, Duration.ofSeconds(6));
        sleepUntilBeforeTheEnd(limit, Duration.ofMillis(700));
        for (int i = 0; i < 10; i++) {
            assertThat(limiter.admit(new Counted(limit, "key"))).as("attempt %d", i + 1).isInstanceOf(Admitted.class);
        }
        long left = limit.window().toMillis() - Instant.now().toEpochMilli() % limit.window().toMillis();
        assertThat(left).as("the first burst ended in its window").isLessThan(700);
        Thread.sleep(left + 50);

        List<Admission> second = new java.util.ArrayList<>();
        for (int i = 0; i < 10; i++) {
            second.add(limiter.admit(new Counted(limit, "key")));
        }

        // Fixed windows admitted all ten again: twenty within a second against a limit of ten per six seconds.
        assertThat(second).as("the previous window's ten still weigh about 9.9").filteredOn(Admitted.class::isInstance)
                .hasSizeLessThanOrEqualTo(1);
        Blocked blocked = (Blocked) second.get(second.size() - 1);
        // 1 + 10 * (1 - t / 6 s) < 10 once t > 0.6 s into the window: a wait of about 0.5 s, not the 5.9 s to its end.
        assertThat(blocked.retryAfter()).isPositive().isLessThan(Duration.ofMillis(600));
        assertThat(limiter.blockedFor(limit, "key")).isLessThanOrEqualTo(blocked.retryAfter());
        // The wait is computed to the millisecond and the database keeps microseconds; 50 ms more (still far under the
        // 5.9 s a fixed window would ask) keeps a rounding at the edge from failing the test.
        Thread.sleep(blocked.retryAfter().toMillis() + 50);
        assertThat(limiter.admit(new Counted(limit, "key"))).as("after the wait it said").isInstanceOf(Admitted.class);
    }

    @Test
    void aKeyOverItsLimitInTheLastWindowWaitsUntilEnoughHasSlidOut() {
        Limit limit = new Limit("test." + UUID.randomUUID(), 4, Duration.ofHours(1));
        Instant now = Instant.parse("2026-11-30T10:15:00Z"); // a quarter into the window
        Sliding sliding = Sliding.at(limit, now);

        assertThat(sliding.weight()).isEqualTo(0.75);
        assertThat(sliding.admits(new Sliding.Hits(0, 5))).as("3.75 < 4").isTrue();
        assertThat(sliding.admits(new Sliding.Hits(1, 4))).as("4.0").isFalse();
        // 1 + 4 * (1 - t) < 4 once t > 1/4: the earliest moment is now, plus a millisecond.
        assertThat(sliding.retryAfter(new Sliding.Hits(1, 4))).isEqualTo(Duration.ofMillis(1));
        // 2 + 4 * (1 - t) < 4 once t > 1/2 of the window: in a quarter of an hour.
        assertThat(sliding.retryAfter(new Sliding.Hits(2, 4))).isEqualTo(Duration.ofMinutes(15).plusMillis(1));
        // Its own 8 over a limit of 4: into the next window, until half of this one has slid out.
        assertThat(sliding.retryAfter(new Sliding.Hits(8, 0))).isEqualTo(Duration.ofMinutes(45 + 30).plusMillis(1));
    }

    @Test
    void attemptsInFlightBoundTheOthersAsFailuresDo() {
        Limit limit = new Limit("test." + UUID.randomUUID(), 3, Duration.ofHours(1));
        startOfAWindow(limit);
        List<Admission> running = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            running.add(limiter.admitInFlight(new Counted(limit, "key")));
        }
        assertThat(running).allSatisfy(admission -> assertThat(admission).isInstanceOf(Admitted.class));

        assertThat(limiter.admitInFlight(new Counted(limit, "key"))).as("three checks running").isInstanceOf(Blocked.class);
        assertThat(limiter.admit(new Counted(limit, "key"))).as("counted as a hit: the same bound").isInstanceOf(Blocked.class);
        assertThat(limiter.blockedFor(limit, "key")).isPositive();
        assertThat(row(limit, "key")).isEqualTo(new Row(0, 3));

        limiter.failed(running.get(0));
        limiter.release(running.get(1));
        assertThat(row(limit, "key")).as("the wrong one a failure, the right one gone").isEqualTo(new Row(1, 1));
        assertThat(limiter.admitInFlight(new Counted(limit, "key"))).isInstanceOf(Admitted.class);
        assertThat(limiter.admitInFlight(new Counted(limit, "key"))).as("1 failure, 2 running").isInstanceOf(Blocked.class);
    }

    @Test
    void failuresLeaveRoomWhenOnlyAttemptsInFlightFillTheLimit() {
        Limit limit = new Limit("test." + UUID.randomUUID(), 2, Duration.ofHours(1));
        Limit other = new Limit("test." + UUID.randomUUID(), 5, Duration.ofHours(1));
        startOfAWindow(limit);
        Admission first = limiter.admitInFlight(new Counted(limit, "key"));
        Admission second = limiter.admitInFlight(new Counted(limit, "key"));
        assertThat(limiter.admitInFlight(new Counted(limit, "key"))).isInstanceOf(Blocked.class);

        assertThat(limiter.failuresLeaveRoom(List.of(new Counted(limit, "key"), new Counted(other, "key"))))
                .as("two running, no failure").isTrue();
        limiter.failed(first);
        assertThat(limiter.failuresLeaveRoom(List.of(new Counted(limit, "key")))).as("one failure, one running").isTrue();
        limiter.failed(second);
        assertThat(limiter.failuresLeaveRoom(List.of(new Counted(limit, "key")))).as("two failures").isFalse();
        assertThat(limiter.failuresLeaveRoom(List.of(new Counted(other, "key"), new Counted(limit, "key"))))
                .as("one limit of two without room").isFalse();
    }

    @Test
    void rightAttemptsInFlightLeaveNoHits() {
        Limit limit = new Limit("test." + UUID.randomUUID(), 2, Duration.ofHours(1));
        startOfAWindow(limit);
        for (int i = 0; i < 10; i++) {
            Admission right = limiter.admitInFlight(new Counted(limit, "key"));
            assertThat(right).as("attempt %d", i + 1).isInstanceOf(Admitted.class);
            limiter.release(right);
        }
        assertThat(row(limit, "key")).isEqualTo(new Row(0, 0));
    }

    @Test
    void anAttemptInFlightNeverResolvedStopsCountingAfterTheExpiryNotTheWindow() throws InterruptedException {
        // As when the database went away between the count and the check's end: nothing resolves the three counts.
        AttemptLimiter expiringSoon = new AttemptLimiter(jdbc, databaseUrl, Duration.ofSeconds(2));
        Limit limit = new Limit("test." + UUID.randomUUID(), 3, Duration.ofHours(1));
        startOfAWindow(limit);
        for (int i = 0; i < 3; i++) {
            assertThat(expiringSoon.admitInFlight(new Counted(limit, "lost"))).isInstanceOf(Admitted.class);
            assertThat(expiringSoon.admit(new Counted(limit, "failed"))).isInstanceOf(Admitted.class);
        }
        assertThat(expiringSoon.admitInFlight(new Counted(limit, "lost"))).isInstanceOf(Blocked.class);

        Thread.sleep(2_100);

        assertThat(expiringSoon.blockedFor(limit, "lost")).isZero();
        assertThat(expiringSoon.admitInFlight(new Counted(limit, "lost"))).as("two seconds, not the hour")
                .isInstanceOf(Admitted.class);
        assertThat(row(limit, "lost")).as("the lost counts are dropped, the new one counted").isEqualTo(new Row(0, 1));
        assertThat(expiringSoon.admitInFlight(new Counted(limit, "failed"))).as("failures stay for the window")
                .isInstanceOf(Blocked.class);
    }

    @Test
    void aRowCountingNewAttemptsKeepsItsAttemptsInFlight() throws InterruptedException {
        // The expiry runs from the row's last count: a check began less than the expiry ago may still be running.
        AttemptLimiter expiringSoon = new AttemptLimiter(jdbc, databaseUrl, Duration.ofSeconds(2));
        Limit limit = new Limit("test." + UUID.randomUUID(), 3, Duration.ofHours(1));
        startOfAWindow(limit);
        assertThat(expiringSoon.admitInFlight(new Counted(limit, "key"))).isInstanceOf(Admitted.class);
        Thread.sleep(1_200);
        assertThat(expiringSoon.admitInFlight(new Counted(limit, "key"))).isInstanceOf(Admitted.class);
        Thread.sleep(1_200);

        assertThat(expiringSoon.admitInFlight(new Counted(limit, "key"))).isInstanceOf(Admitted.class);
        assertThat(expiringSoon.admitInFlight(new Counted(limit, "key"))).as("three in flight").isInstanceOf(Blocked.class);
    }

    @Test
    void attemptsInFlightArrivingAtOnceAreAdmittedExactlyUpToTheLimit() throws Exception {
        Limit limit = new Limit("test." + UUID.randomUUID(), 8, Duration.ofHours(1));
        startOfAWindow(limit);

        List<Admission> admissions = Race.run(64, () -> limiter.admitInFlight(new Counted(limit, "raced")));

        assertThat(admissions).filteredOn(Admitted.class::isInstance).hasSize(8);
    }

    @Test
    void limitsCountedInTurnStopAtTheFirstGroupWithoutRoom() {
        // The password's limits (decision 0059): from here (a pair and an address, both or neither), then from
        // everywhere; one statement.
        Limit pair = new Limit("test." + UUID.randomUUID(), 3, Duration.ofHours(1));
        Limit address = new Limit("test." + UUID.randomUUID(), 1, Duration.ofHours(1));
        Limit everywhere = new Limit("test." + UUID.randomUUID(), 1, Duration.ofHours(1));
        startOfAWindow(pair);
        List<List<Counted>> inTurn = List.of(List.of(new Counted(pair, "x"), new Counted(address, "x")),
                List.of(new Counted(everywhere, "x")));

        List<Admission> first = limiter.admitInFlightInTurn(inTurn);
        assertThat(first).hasSize(2).allSatisfy(admission -> assertThat(admission).isInstanceOf(Admitted.class));
        assertThat(row(everywhere, "x")).isEqualTo(new Row(0, 1));
        limiter.failed(first.toArray(Admission[]::new));

        // The address's limit and everywhere's are both reached: the address's refusal, and nothing counted.
        List<Admission> refused = limiter.admitInFlightInTurn(inTurn);
        assertThat(refused).hasSize(1);
        assertThat(refused.get(0)).isInstanceOf(Blocked.class);
        assertThat(((Blocked) refused.get(0)).retryAfter()).as("the address's wait (to the next window), not the pair's")
                .isGreaterThan(Duration.ofSeconds(1));
        for (Limit limit : List.of(pair, address, everywhere)) {
            assertThat(row(limit, "x")).as(limit.name()).isEqualTo(new Row(1, 0));
        }

        // From another address: from here has room, everywhere has none.
        List<Admission> elsewhere = limiter.admitInFlightInTurn(List.of(
                List.of(new Counted(pair, "y"), new Counted(address, "y")), List.of(new Counted(everywhere, "x"))));
        assertThat(elsewhere).hasSize(2);
        assertThat(elsewhere.get(0)).isInstanceOf(Admitted.class);
        assertThat(elsewhere.get(1)).isInstanceOf(Blocked.class);
        assertThat(row(pair, "y")).isEqualTo(new Row(0, 1));
        assertThat(row(address, "y")).isEqualTo(new Row(0, 1));
        assertThat(row(everywhere, "x")).isEqualTo(new Row(1, 0));
    }

    @Test
    void limitsCountedInTurnArrivingAtOnceAreAdmittedExactlyUpToEachLimit() throws Exception {
        Limit pair = new Limit("test." + UUID.randomUUID(), 1_000, Duration.ofHours(1));
        Limit address = new Limit("test." + UUID.randomUUID(), 8, Duration.ofHours(1));
        Limit everywhere = new Limit("test." + UUID.randomUUID(), 5, Duration.ofHours(1));
        startOfAWindow(pair);

        List<List<Admission>> admissions = Race.run(64, () -> limiter.admitInFlightInTurn(List.of(
                List.of(new Counted(pair, "x"), new Counted(address, "x")), List.of(new Counted(everywhere, "x")))));

        assertThat(admissions).filteredOn(inTurn -> inTurn.get(0) instanceof Admitted).hasSize(8);
        assertThat(admissions).filteredOn(inTurn -> inTurn.size() == 2 && inTurn.get(1) instanceof Admitted).hasSize(5);
        // Nothing stays counted for the refused ones, not even a count made in a race at the limit and given back.
        assertThat(row(pair, "x")).isEqualTo(new Row(0, 8));
        assertThat(row(address, "x")).isEqualTo(new Row(0, 8));
        assertThat(row(everywhere, "x")).isEqualTo(new Row(0, 5));
    }

    /**
     * Another request's first count of a shared row (the email's, from everywhere), not yet committed, while this
     * attempt's own rows are new: the statement waits for it or tries again, and each of this attempt's rows is
     * counted once. (H2 tries a failed statement again without undoing what it had done, and its failed query keeps
     * it: an attempt counted hundreds of times over in a row of its own filled its address's limit for the in-flight
     * expiry.)
     */
    @Test
    void anAttemptMeetingAnotherRequestsFirstCountOfASharedRowIsCountedOnceInEachOfItsRows() throws Exception {
        // Named so that the shared row comes last in key order, as the email's does after the address's rows.
        String limits = "test." + UUID.randomUUID();
        Limit pair = new Limit(limits + ".a", 10, Duration.ofHours(1));
        Limit address = new Limit(limits + ".b", 50, Duration.ofHours(1));
        Limit everywhere = new Limit(limits + ".c", 10, Duration.ofHours(1));
        startOfAWindow(pair);
        Sliding sliding = Sliding.at(everywhere, Instant.now());
        List<List<Counted>> inTurn = List.of(List.of(new Counted(pair, "y"), new Counted(address, "y")),
                List.of(new Counted(everywhere, "x")));

        List<Admission> admissions;
        try (Connection other = dataSource.getConnection()) {
            other.setAutoCommit(false);
            try (PreparedStatement first = other.prepareStatement("""
                    INSERT INTO attempt_counter (counter_key, window_start, hits, inflight, inflight_at, expires_at)
                    VALUES (?, ?, 0, 1, ?, ?)""")) {
                first.setString(1, everywhere.name() + ":x");
                first.setObject(2, sliding.current());
                first.setObject(3, java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC));
                first.setObject(4, sliding.expires());
                first.executeUpdate();
            }
            CompletableFuture<List<Admission>> counting = CompletableFuture
                    .supplyAsync(() -> limiter.admitInFlightInTurn(inTurn));
            Thread.sleep(300);
            other.commit();
            admissions = counting.get(30, TimeUnit.SECONDS);
        }

        assertThat(row(address, "y")).isEqualTo(new Row(0, 1));
        assertThat(row(pair, "y")).isEqualTo(new Row(0, 1));
        assertThat(row(everywhere, "x")).isEqualTo(new Row(0, 2));
        assertThat(admissions).hasSize(2).allSatisfy(admission -> assertThat(admission).isInstanceOf(Admitted.class));
    }

    @Test
    void failuresOnBothSidesOfAWindowsEndBoundAttemptsInFlightTogether() throws InterruptedException {
        Limit limit = new Limit("test." + UUID.randomUUID(), 10, Duration.ofSeconds(6));
        sleepUntilBeforeTheEnd(limit, Duration.ofMillis(700));
        for (int i = 0; i < 10; i++) {
            Admission admission = limiter.admitInFlight(new Counted(limit, "key"));
            assertThat(admission).as("attempt %d", i + 1).isInstanceOf(Admitted.class);
            limiter.failed(admission);
        }
        long left = limit.window().toMillis() - Instant.now().toEpochMilli() % limit.window().toMillis();
        assertThat(left).as("the first burst ended in its window").isLessThan(700);
        Thread.sleep(left + 50);

        List<Admission> second = new java.util.ArrayList<>();
        for (int i = 0; i < 10; i++) {
            second.add(limiter.admitInFlight(new Counted(limit, "key")));
        }

        assertThat(second).as("the previous window's ten failures still weigh about 9.9")
                .filteredOn(Admitted.class::isInstance).hasSizeLessThanOrEqualTo(1);
        assertThat(((Blocked) second.get(second.size() - 1)).retryAfter()).isPositive()
                .isLessThan(Duration.ofMillis(600));
    }

    @Test
    void manyAttemptsOnTheSameRowsEndAtOnceWithoutWaitingForEachOther() throws Exception {
        // Every attempt's end updates its three rows in one statement; rows locked in another order by each of two
        // statements would deadlock (PostgreSQL then fails one of them).
        Limit a = new Limit("test." + UUID.randomUUID(), 1_000, Duration.ofHours(1));
        Limit b = new Limit("test." + UUID.randomUUID(), 1_000, Duration.ofHours(1));
        Limit c = new Limit("test." + UUID.randomUUID(), 1_000, Duration.ofHours(1));
        startOfAWindow(a);
        java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();

        List<Boolean> wrong = Race.run(64, () -> {
            int i = n.incrementAndGet();
            boolean failed = i % 2 == 0;
            Admission admission = i % 3 == 0
                    ? limiter.admitInFlight(new Counted(c, "x"), new Counted(b, "x"), new Counted(a, "x"))
                    : limiter.admitInFlight(new Counted(a, "x"), new Counted(b, "x"), new Counted(c, "x"));
            if (failed) {
                limiter.failed(admission);
            } else {
                limiter.release(admission);
            }
            return failed;
        });

        int failures = (int) wrong.stream().filter(Boolean::booleanValue).count();
        for (Limit limit : List.of(a, b, c)) {
            assertThat(row(limit, "x")).isEqualTo(new Row(failures, 0));
        }
    }

    /** A counter row's hits and attempts in flight in the current window. */
    record Row(int hits, int inFlight) {}

    private Row row(Limit limit, String key) {
        return jdbc.sql("""
                SELECT hits, inflight FROM attempt_counter WHERE counter_key = :key AND window_start = :window
                """)
                .param("key", limit.name() + ':' + key)
                .param("window", Sliding.at(limit, Instant.now()).current())
                .query((rs, i) -> new Row(rs.getInt(1), rs.getInt(2)))
                .optional()
                .orElse(new Row(0, 0));
    }

    /** Sleeps until {@code before} the end of the current window (or the next one, when less is left). */
    private static void sleepUntilBeforeTheEnd(Limit limit, Duration before) throws InterruptedException {
        long windowMillis = limit.window().toMillis();
        long left = windowMillis - Instant.now().toEpochMilli() % windowMillis;
        Thread.sleep(left > before.toMillis() ? left - before.toMillis() : left + windowMillis - before.toMillis());
    }

    /** Waits, when needed, so that a test's attempts all fall in one window, not on both sides of its end. */
    private static void startOfAWindow(Limit limit) {
        long windowMillis = limit.window().toMillis();
        long left = windowMillis - Instant.now().toEpochMilli() % windowMillis;
        if (left < Math.min(1_500, windowMillis - 200)) {
            try {
                Thread.sleep(left + 20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
