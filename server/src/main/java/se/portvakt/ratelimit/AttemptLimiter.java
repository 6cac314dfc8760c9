package se.portvakt.ratelimit;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

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

    /** One count: the key (an email address, a client address) that an attempt is counted for under a limit. */
    public record Counted(Limit limit, String key) {}

    /** Whether an attempt may go ahead. */
    public sealed interface Admission {

        /** Counted under every limit asked for: do the work, then {@link #release} it if it was right. */
        record Admitted(List<WindowCount> counts) implements Admission {
            public Admitted {
                counts = List.copyOf(counts);
            }
        }

        /** A limit is reached: do not do the work; the key may try again after {@code retryAfter}. */
        record Blocked(Duration retryAfter) implements Admission {}
    }

    /** The window row that one admitted attempt was counted in, so that releasing it finds the same row. */
    public record WindowCount(String counterKey, OffsetDateTime windowStart) {}

    private final JdbcClient jdbc;

    public AttemptLimiter(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Counts one attempt under each limit, in one conditional statement each, and admits it when every limit had
     * room; when one has none, the counts already made are given back and the attempt is blocked until that
     * limit's window ends.
     */
    public Admission admit(Counted... counts) {
        Instant now = Instant.now();
        List<WindowCount> made = new ArrayList<>();
        for (Counted count : counts) {
            OffsetDateTime window = windowStart(count.limit(), now);
            WindowCount row = new WindowCount(counterKey(count.limit(), count.key()), window);
            if (!countIfUnder(row, count.limit().max())) {
                made.forEach(this::giveBack);
                return new Admission.Blocked(Duration.between(now, window.toInstant().plus(count.limit().window())));
            }
            made.add(row);
        }
        return new Admission.Admitted(made);
    }

    /**
     * Gives an admitted attempt back, because it was right (or did not happen after all): only failures stay
     * counted. A blocked admission has nothing to give back.
     */
    public void release(Admission admission) {
        if (admission instanceof Admission.Admitted admitted) {
            admitted.counts().forEach(this::giveBack);
        }
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

    /** One more hit in the row while it is under {@code max}; the window's first hit inserts the row. */
    private boolean countIfUnder(WindowCount row, int max) {
        if (max <= 0) {
            return false;
        }
        if (incrementBelow(row, max) > 0) {
            return true;
        }
        try {
            // Inserts nothing when the row is there already (at its limit), so a blocked attempt costs no error.
            int inserted = jdbc.sql("""
                    INSERT INTO attempt_counter (counter_key, window_start, hits)
                    SELECT :key, :window, 1
                    WHERE NOT EXISTS (SELECT 1 FROM attempt_counter WHERE counter_key = :key AND window_start = :window)
                    """)
                    .param("key", row.counterKey())
                    .param("window", row.windowStart())
                    .update();
            if (inserted == 1) {
                return true;
            }
        } catch (DuplicateKeyException anotherRequestWasFirst) {
            // Inserted by another request a moment ago: count in its row below.
        }
        return incrementBelow(row, max) > 0;
    }

    private int incrementBelow(WindowCount row, int max) {
        return jdbc.sql("""
                UPDATE attempt_counter SET hits = hits + 1
                WHERE counter_key = :key AND window_start = :window AND hits < :max
                """)
                .param("key", row.counterKey())
                .param("window", row.windowStart())
                .param("max", max)
                .update();
    }

    private void giveBack(WindowCount row) {
        jdbc.sql("UPDATE attempt_counter SET hits = hits - 1 WHERE counter_key = :key AND window_start = :window AND hits > 0")
                .param("key", row.counterKey())
                .param("window", row.windowStart())
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
