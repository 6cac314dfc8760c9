package se.portvakt.testing;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Limits keep their counts per fixed window and weigh the previous window's count by the part of it still inside
 * the sliding window: a test that counts exactly wants its attempts in one window, not weighed across an edge,
 * so it waits for the next one when too little of this one is left.
 */
public final class LimitWindows {

    private LimitWindows() {}

    /** Returns when at least {@code needed} of the current window of length {@code window} is left. */
    public static void awayFromTheEnd(Duration window, Duration needed) {
        long windowMillis = window.toMillis();
        long left = windowMillis - System.currentTimeMillis() % windowMillis;
        if (left < needed.toMillis()) {
            try {
                Thread.sleep(left + 100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /**
     * Fills the password limit of a client address with {@code count} checks in flight, as if they had begun now on a
     * node that stalled (decision 0068).
     */
    public static void checksInFlightFrom(JdbcClient jdbc, String address, int count, Duration window) {
        long now = System.currentTimeMillis();
        OffsetDateTime start = OffsetDateTime.ofInstant(Instant.ofEpochMilli(now - Math.floorMod(now, window.toMillis())),
                ZoneOffset.UTC);
        OffsetDateTime at = OffsetDateTime.now(ZoneOffset.UTC);
        int updated = jdbc.sql("""
                UPDATE attempt_counter SET inflight = :inflight, inflight_at = :now
                WHERE counter_key = :key AND window_start = :window
                """).param("key", ADDRESS_COUNTER + address).param("window", start).param("inflight", count)
                .param("now", at).update();
        if (updated == 0) {
            jdbc.sql("""
                    INSERT INTO attempt_counter (counter_key, window_start, hits, inflight, inflight_at, expires_at)
                    VALUES (:key, :window, 0, :inflight, :now, :expires)
                    """).param("key", ADDRESS_COUNTER + address).param("window", start).param("inflight", count)
                    .param("now", at).param("expires", start.plus(window.multipliedBy(2))).update();
        }
    }

    /** Ends the checks in flight of a client address's password limit: they were right passwords after all. */
    public static void checksInFlightEnd(JdbcClient jdbc, String address) {
        jdbc.sql("UPDATE attempt_counter SET inflight = 0 WHERE counter_key = :key")
                .param("key", ADDRESS_COUNTER + address).update();
    }

    /** The counter key of a client address's password limit ({@code signin.password.PasswordAttempts}). */
    public static final String ADDRESS_COUNTER = "password.address:";
}
