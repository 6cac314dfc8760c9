package se.portvakt.ratelimit;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Counts attempts per key (an email address, a client address) in fixed time windows kept in the database,
 * so every node sees the same counts and a restart forgets nothing.
 *
 * <p>Each increment is one atomic statement; a lost race on the first insert of a window retries as an
 * update. See docs/decisions/0003-attempt-limits.md for why this is not Bucket4j.
 */
@Component
public class AttemptLimiter {

    /** A limit: at most {@code max} counted attempts per {@code window}. */
    public record Limit(String name, int max, Duration window) {}

    private final JdbcClient jdbc;

    public AttemptLimiter(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** How long until the key may try again, or zero when it is under its limit now. */
    public Duration blockedFor(Limit limit, String key) {
        Instant now = Instant.now();
        OffsetDateTime window = windowStart(limit, now);
        Integer hits = jdbc.sql("SELECT hits FROM attempt_counter WHERE counter_key = :key AND window_start = :window")
                .param("key", counterKey(limit, key))
                .param("window", window)
                .query(Integer.class)
                .optional()
                .orElse(0);
        if (hits < limit.max()) {
            return Duration.ZERO;
        }
        return Duration.between(now, window.toInstant().plus(limit.window()));
    }

    /** Counts one attempt against the key. */
    public void record(Limit limit, String key) {
        OffsetDateTime window = windowStart(limit, Instant.now());
        String counterKey = counterKey(limit, key);
        if (increment(counterKey, window) > 0) {
            return;
        }
        try {
            jdbc.sql("INSERT INTO attempt_counter (counter_key, window_start, hits) VALUES (:key, :window, 1)")
                    .param("key", counterKey)
                    .param("window", window)
                    .update();
        } catch (DuplicateKeyException anotherNodeWasFirst) {
            increment(counterKey, window);
        }
    }

    /** Forgets counters of windows that have ended; called now and then. */
    public int purgeBefore(Instant instant) {
        return jdbc.sql("DELETE FROM attempt_counter WHERE window_start < :before")
                .param("before", OffsetDateTime.ofInstant(instant, ZoneOffset.UTC))
                .update();
    }

    private int increment(String counterKey, OffsetDateTime window) {
        return jdbc.sql("UPDATE attempt_counter SET hits = hits + 1 WHERE counter_key = :key AND window_start = :window")
                .param("key", counterKey)
                .param("window", window)
                .update();
    }

    private static String counterKey(Limit limit, String key) {
        String full = limit.name() + ':' + key;
        return full.length() <= 400 ? full : full.substring(0, 400);
    }

    private static OffsetDateTime windowStart(Limit limit, Instant now) {
        long windowMillis = limit.window().toMillis();
        long start = now.toEpochMilli() - Math.floorMod(now.toEpochMilli(), windowMillis);
        return OffsetDateTime.ofInstant(Instant.ofEpochMilli(start), ZoneOffset.UTC);
    }
}
