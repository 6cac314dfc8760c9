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

import se.portvakt.housekeeping.Purge;
import se.portvakt.ratelimit.Sliding.Hits;

/**
 * Counts attempts per key (an email address, a client address) in a sliding window kept in the database, so every
 * node sees the same counts and a restart forgets nothing.
 *
 * <p>The counts are kept per fixed window; an attempt is measured against the sliding window that ends now, whose
 * count is estimated as this window's count plus the previous window's count weighted by the part of the previous
 * window still inside the sliding one (as if its attempts were spread evenly). A burst on both sides of a window's
 * end is then counted together, instead of twice the limit passing. Each increment is one atomic statement; a lost
 * race on the first insert of a window retries as an update. See docs/decisions/0003-attempt-limits-in-sql.md.
 */
@Component
public class AttemptLimiter implements Purge {

    /** A limit: at most {@code max} counted attempts in any {@code window} (as estimated from two fixed windows). */
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

        /**
         * A limit is reached: do not do the work; the key may try again after {@code retryAfter}, when enough of
         * the attempts counted have slid out of the window (if no more are counted meanwhile).
         */
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
     * limit has room again.
     */
    public Admission admit(Counted... counts) {
        Instant now = Instant.now();
        List<WindowCount> made = new ArrayList<>();
        for (Counted count : counts) {
            Sliding sliding = Sliding.at(count.limit(), now);
            WindowCount row = new WindowCount(counterKey(count.limit(), count.key()), sliding.current());
            if (!countIfUnder(row, sliding)) {
                made.forEach(this::giveBack);
                return new Admission.Blocked(sliding.retryAfter(hits(row.counterKey(), sliding)));
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
        Sliding sliding = Sliding.at(limit, Instant.now());
        Hits hits = hits(counterKey(limit, key), sliding);
        return sliding.admits(hits) ? Duration.ZERO : sliding.retryAfter(hits);
    }

    /** Counts one attempt against the key. */
    public void record(Limit limit, String key) {
        Sliding sliding = Sliding.at(limit, Instant.now());
        String counterKey = counterKey(limit, key);
        if (increment(counterKey, sliding.current()) > 0) {
            return;
        }
        try {
            jdbc.sql("""
                    INSERT INTO attempt_counter (counter_key, window_start, hits, expires_at)
                    VALUES (:key, :window, 1, :expires)
                    """)
                    .param("key", counterKey)
                    .param("window", sliding.current())
                    .param("expires", sliding.expires())
                    .update();
        } catch (DuplicateKeyException anotherNodeWasFirst) {
            increment(counterKey, sliding.current());
        }
    }

    @Override
    public String name() {
        return "attempt-counters";
    }

    /** Counters of windows that no sliding window reaches any more. */
    @Override
    public int purgeBatch(Instant now, int batchSize) {
        return jdbc.sql("""
                DELETE FROM attempt_counter WHERE (counter_key, window_start) IN
                    (SELECT counter_key, window_start FROM attempt_counter WHERE expires_at < :now FETCH FIRST :batch ROWS ONLY)
                """)
                .param("now", OffsetDateTime.ofInstant(now, ZoneOffset.UTC))
                .param("batch", batchSize)
                .update();
    }

    /**
     * One more hit in this window's row while the sliding estimate is under the limit; the window's first hit inserts
     * the row. The previous window's count is read inside the same statement.
     */
    private boolean countIfUnder(WindowCount row, Sliding sliding) {
        if (sliding.limit().max() <= 0) {
            return false;
        }
        if (incrementUnder(row, sliding) > 0) {
            return true;
        }
        try {
            // Inserts nothing when the row is there already (at its limit), so a blocked attempt costs no error.
            int inserted = jdbc.sql("""
                    INSERT INTO attempt_counter (counter_key, window_start, hits, expires_at)
                    SELECT :key, :window, 1, :expires
                    WHERE NOT EXISTS (SELECT 1 FROM attempt_counter WHERE counter_key = :key AND window_start = :window)
                      AND CAST(:weight AS DOUBLE PRECISION) * COALESCE((SELECT p.hits FROM attempt_counter p
                                              WHERE p.counter_key = :key AND p.window_start = :previous), 0) < :max
                    """)
                    .param("key", row.counterKey())
                    .param("window", row.windowStart())
                    .param("expires", sliding.expires())
                    .param("weight", sliding.weight())
                    .param("previous", sliding.previous())
                    .param("max", sliding.limit().max())
                    .update();
            if (inserted == 1) {
                return true;
            }
        } catch (DuplicateKeyException anotherRequestWasFirst) {
            // Inserted by another request a moment ago: count in its row below.
        }
        return incrementUnder(row, sliding) > 0;
    }

    private int incrementUnder(WindowCount row, Sliding sliding) {
        return jdbc.sql("""
                UPDATE attempt_counter SET hits = hits + 1
                WHERE counter_key = :key AND window_start = :window
                  AND hits + CAST(:weight AS DOUBLE PRECISION) * COALESCE((SELECT p.hits FROM attempt_counter p
                                                 WHERE p.counter_key = :key AND p.window_start = :previous), 0) < :max
                """)
                .param("key", row.counterKey())
                .param("window", row.windowStart())
                .param("weight", sliding.weight())
                .param("previous", sliding.previous())
                .param("max", sliding.limit().max())
                .update();
    }

    /** The counts of the current and the previous window. */
    private Hits hits(String counterKey, Sliding sliding) {
        return jdbc.sql("""
                SELECT COALESCE(SUM(CASE WHEN window_start = :current THEN hits END), 0),
                       COALESCE(SUM(CASE WHEN window_start = :previous THEN hits END), 0)
                FROM attempt_counter WHERE counter_key = :key AND window_start IN (:current, :previous)
                """)
                .param("key", counterKey)
                .param("current", sliding.current())
                .param("previous", sliding.previous())
                .query((rs, row) -> new Hits(rs.getInt(1), rs.getInt(2)))
                .single();
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

}
