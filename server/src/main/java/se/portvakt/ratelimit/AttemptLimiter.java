package se.portvakt.ratelimit;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import se.portvakt.config.PortvaktProperties;
import se.portvakt.housekeeping.Purge;
import se.portvakt.ratelimit.Sliding.Hits;

/**
 * Counts attempts per key (an email address, a client address) in a sliding window kept in the database, so every
 * node sees the same counts and a restart forgets nothing.
 *
 * <p>The counts are kept per fixed window; an attempt is measured against the sliding window that ends now, whose
 * count is estimated as this window's count plus the previous window's count weighted by the part of the previous
 * window still inside the sliding one (as if its attempts were spread evenly). A burst on both sides of a window's
 * end is then counted together, instead of twice the limit passing. Each count is one atomic statement that inserts
 * the window's row or adds to it (PostgreSQL's {@code INSERT ... ON CONFLICT}, H2's {@code MERGE}), and an admission
 * is given back in one statement. See docs/decisions/0003-attempt-limits-in-sql.md and 0048. An attempt counted in
 * flight is counted under all its limits in one such statement, in turn (decision 0059); on H2 its rows not there yet
 * are first inserted counting nothing, since H2 can run a statement twice over without undoing it (decision 0069).
 *
 * <p>An attempt is counted either as a hit at once ({@link #admit}), or as in flight while its check runs
 * ({@link #admitInFlight}), then moved to the hits when it failed ({@link #failed}) or taken off when it was right
 * ({@link #release}). Both bound what is admitted alike: hits and in-flight counts together stay under the limit. An
 * in-flight count that is never resolved (the database went away before the check's end was written) stops counting
 * once its row has counted nothing new for {@code portvakt.limits.in-flight-expiry}, instead of staying for the
 * window like a hit (decision 0053).
 */
@Component
public class AttemptLimiter implements Purge {

    /** A limit: at most {@code max} counted attempts in any {@code window} (as estimated from two fixed windows). */
    public record Limit(String name, int max, Duration window) {}

    /** One count: the key (an email address, a client address) that an attempt is counted for under a limit. */
    public record Counted(Limit limit, String key) {}

    /** Whether an attempt may go ahead. */
    public sealed interface Admission {

        /**
         * Counted under every limit asked for: do the work, then {@link #release} it if it was right, or, when it was
         * counted in flight, tell {@link #failed} when it was wrong.
         */
        record Admitted(List<WindowCount> counts, boolean inFlight) implements Admission {
            public Admitted {
                counts = List.copyOf(counts);
            }

            /** Counted as hits. */
            public Admitted(List<WindowCount> counts) {
                this(counts, false);
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

    /** The first pause between two tries of a waiting attempt; it doubles up to {@link #LONGEST_PAUSE}. */
    private static final Duration FIRST_PAUSE = Duration.ofMillis(50);
    private static final Duration LONGEST_PAUSE = Duration.ofMillis(400);

    private final JdbcClient jdbc;
    private final boolean postgresql;
    private final Duration inFlightExpiry;

    @Autowired
    AttemptLimiter(JdbcClient jdbc, @Value("${spring.datasource.url:}") String databaseUrl,
            PortvaktProperties properties) {
        this(jdbc, databaseUrl, properties.limits().inFlightExpiry());
    }

    AttemptLimiter(JdbcClient jdbc, String databaseUrl, Duration inFlightExpiry) {
        this.jdbc = jdbc;
        this.postgresql = databaseUrl.startsWith("jdbc:postgresql:");
        this.inFlightExpiry = inFlightExpiry;
    }

    /**
     * Counts one attempt under each limit as a hit, in one conditional statement each, and admits it when every limit
     * had room; when one has none, the counts already made are given back and the attempt is blocked until that
     * limit has room again.
     */
    public Admission admit(Counted... counts) {
        Instant now = Instant.now();
        List<WindowCount> made = new ArrayList<>();
        for (Counted count : counts) {
            Sliding sliding = Sliding.at(count.limit(), now);
            WindowCount row = new WindowCount(counterKey(count.limit(), count.key()), sliding.current());
            if (!countIfUnder(row, sliding)) {
                giveBack(made, false);
                return new Admission.Blocked(sliding.retryAfter(hits(row.counterKey(), sliding)));
            }
            made.add(row);
        }
        return new Admission.Admitted(made);
    }

    /**
     * The same, but counted as in flight, in one statement: it bounds the attempts admitted beside it as a hit does,
     * and becomes one only when {@link #failed}; a right one is {@link #release}d. One never resolved counts until its
     * row has counted nothing for the in-flight expiry, not for the window.
     */
    public Admission admitInFlight(Counted... counts) {
        return admitInFlightInTurn(List.of(List.of(counts))).get(0);
    }

    /**
     * Counts one attempt in flight under groups of limits taken in turn, in one statement: a group is counted when
     * each of its limits has room and so had every group before it; the first group without room is blocked (until
     * that limit has room again), and nothing from it on is counted. One admission per group, up to that one.
     */
    public List<Admission> admitInFlightInTurn(List<List<Counted>> groups) {
        Instant now = Instant.now();
        List<InTurn> rows = new ArrayList<>();
        for (int group = 0; group < groups.size(); group++) {
            for (Counted count : groups.get(group)) {
                Sliding sliding = Sliding.at(count.limit(), now);
                rows.add(new InTurn(group, new WindowCount(counterKey(count.limit(), count.key()), sliding.current()),
                        sliding));
            }
        }
        List<String> counted = rows.isEmpty() ? List.of() : countInFlight(rows);
        List<Admission> admissions = new ArrayList<>();
        for (int group = 0; group < groups.size(); group++) {
            int g = group;
            List<InTurn> ofGroup = rows.stream().filter(row -> row.group() == g).toList();
            List<InTurn> notCounted = ofGroup.stream().filter(row -> !counted.contains(row.count().counterKey())).toList();
            if (notCounted.isEmpty()) {
                admissions.add(new Admission.Admitted(ofGroup.stream().map(InTurn::count).toList(), true));
                continue;
            }
            // Counted from this group on only in a race at the limit (a row's count, read before the rows were locked,
            // was raised by another attempt meanwhile): given back, since a refused attempt counts nothing.
            giveBack(rows.stream().filter(row -> row.group() >= g && counted.contains(row.count().counterKey()))
                    .map(InTurn::count).toList(), true);
            admissions.add(new Admission.Blocked(retryAfter(notCounted)));
            break;
        }
        return admissions;
    }

    /**
     * The wait of the first of these rows without room, in their order (a group's rows are all refused when one has
     * none): one read per row up to it. When all have room again by now, the first one's (a millisecond).
     */
    private Duration retryAfter(List<InTurn> notCounted) {
        Duration first = null;
        for (InTurn row : notCounted) {
            Hits hits = hits(row.count().counterKey(), row.sliding());
            Duration wait = row.sliding().retryAfter(hits);
            if (!row.sliding().admits(hits)) {
                return wait;
            }
            first = first == null ? wait : first;
        }
        return first;
    }

    /** One row of an attempt counted in turn: its group, its window's row and its sliding window. */
    private record InTurn(int group, WindowCount count, Sliding sliding) {}

    /**
     * Gives admitted attempts back, because they were right (or did not happen after all): only failures stay
     * counted. A blocked admission has nothing to give back. One statement for those counted as hits, one for those
     * counted in flight.
     */
    public void release(Admission... admissions) {
        giveBack(counts(admissions, false), false);
        giveBack(counts(admissions, true), true);
    }

    /**
     * Moves attempts counted in flight to the hits, because they failed: they count for the window from now on, as a
     * hit counted at once does. One statement for all of them; attempts counted as hits stay as they are.
     */
    public void failed(Admission... admissions) {
        List<WindowCount> rows = counts(admissions, true);
        if (!rows.isEmpty()) {
            inOrder("hits = c.hits + 1, inflight = CASE WHEN c.inflight > 0 THEN c.inflight - 1 ELSE 0 END", "", rows);
        }
    }

    /**
     * Whether each of these limits would have room if only failures counted: when an attempt counted in flight was
     * blocked although this says yes, it was the attempts in flight beside it that filled the limit, and they may yet
     * be given back (decision 0068). One read per limit.
     */
    public boolean failuresLeaveRoom(List<Counted> counts) {
        Instant now = Instant.now();
        for (Counted count : counts) {
            Sliding sliding = Sliding.at(count.limit(), now);
            if (!sliding.admits(hits(counterKey(count.limit(), count.key()), sliding, false))) {
                return false;
            }
        }
        return true;
    }

    /** What a wait for attempts in flight came to: the last admission, and whether the wait ran out first. */
    public record Awaited<T>(T admission, boolean ranOut) {}

    /**
     * Counts an attempt in flight again, for up to {@code wait}, while it is blocked under {@code limits} only by the
     * attempts in flight beside it ({@link #failuresLeaveRoom}): they may be right, and then count nothing once
     * checked (decision 0068). {@code blocked} tells whether an admission is refused under those limits, {@code again}
     * counts the attempt once more. Not in a transaction: the counts' rows must stay free for the attempts that end
     * meanwhile. Each try is a statement and a read or two, spaced out from 50 to 400 ms; a burst of wrong guesses fills
     * the limit with failures within a check's time, which ends its waits.
     */
    public <T> Awaited<T> awaitInFlight(Duration wait, List<Counted> limits, T admission, Predicate<T> blocked,
            Supplier<T> again) {
        long until = System.nanoTime() + wait.toNanos();
        Duration pause = FIRST_PAUSE;
        T latest = admission;
        try {
            while (blocked.test(latest) && failuresLeaveRoom(limits)) {
                long left = until - System.nanoTime();
                if (left <= 0) {
                    return new Awaited<>(latest, true);
                }
                Thread.sleep(Math.min(pause.toMillis(), Math.max(1, left / 1_000_000)));
                Duration doubled = pause.multipliedBy(2);
                pause = doubled.compareTo(LONGEST_PAUSE) > 0 ? LONGEST_PAUSE : doubled;
                latest = again.get();
            }
            return new Awaited<>(latest, false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Awaited<>(latest, true);
        }
    }

    /** How long until the key may try again, or zero when it is under its limit now. */
    public Duration blockedFor(Limit limit, String key) {
        Sliding sliding = Sliding.at(limit, Instant.now());
        Hits hits = hits(counterKey(limit, key), sliding);
        return sliding.admits(hits) ? Duration.ZERO : sliding.retryAfter(hits);
    }

    private static List<WindowCount> counts(Admission[] admissions, boolean inFlight) {
        List<WindowCount> counted = new ArrayList<>();
        for (Admission admission : admissions) {
            if (admission instanceof Admission.Admitted admitted && admitted.inFlight() == inFlight) {
                counted.addAll(admitted.counts());
            }
        }
        return counted;
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

    /** A row's in-flight count while it still counts: until the row has counted nothing new for the expiry. */
    private static String inFlight(String row) {
        return "(CASE WHEN %1$s.inflight_at > :stale THEN %1$s.inflight ELSE 0 END)".formatted(row);
    }

    /** The previous window's hits and in-flight attempts, weighted by the part of it still inside the sliding window. */
    private static final String PREVIOUS = """
            CAST(:weight AS DOUBLE PRECISION) * COALESCE((SELECT p.hits + %s FROM attempt_counter p
                                                   WHERE p.counter_key = :key AND p.window_start = :previous), 0)"""
            .formatted(inFlight("p"));

    /**
     * PostgreSQL: the window's first attempt inserts its row, a later one adds to it, each only while the sliding
     * estimate (hits and in-flight attempts) is under the limit; a concurrent first insert is waited for and added to,
     * never an error (which would end the sign-in step's transaction).
     */
    private static final String UPSERT_POSTGRESQL = """
            INSERT INTO attempt_counter AS c (counter_key, window_start, hits, inflight, inflight_at, expires_at)
            SELECT :key, :window, 1, 0, :now, :expires WHERE %1$s < :max
            ON CONFLICT (counter_key, window_start) DO UPDATE SET hits = c.hits + 1 WHERE c.hits + %2$s + %1$s < :max
            """.formatted(PREVIOUS, inFlight("c"));

    /** H2: the same as one MERGE; a concurrent first insert fails the statement only, and it is tried again. */
    private static final String MERGE_H2 = """
            MERGE INTO attempt_counter c
            USING (SELECT CAST(:key AS VARCHAR(400)) AS counter_key, CAST(:window AS TIMESTAMP WITH TIME ZONE) AS window_start) n
            ON c.counter_key = n.counter_key AND c.window_start = n.window_start
            WHEN MATCHED AND c.hits + %2$s + %1$s < :max THEN UPDATE SET hits = c.hits + 1
            WHEN NOT MATCHED AND %1$s < :max THEN
                INSERT (counter_key, window_start, hits, inflight, inflight_at, expires_at)
                VALUES (n.counter_key, n.window_start, 1, 0, :now, :expires)
            """.formatted(PREVIOUS, inFlight("c"));

    /**
     * One more hit in this window's row while the sliding estimate is under the limit, in one statement; the window's
     * first attempt inserts the row. The previous window's count is read inside the same statement.
     */
    private boolean countIfUnder(WindowCount row, Sliding sliding) {
        if (sliding.limit().max() <= 0) {
            return false;
        }
        try {
            return countIfUnderOnce(row, sliding);
        } catch (DuplicateKeyException anotherRequestWasFirst) {
            // H2 only: inserted by another request a moment ago; now the statement counts in its row.
            return countIfUnderOnce(row, sliding);
        }
    }

    private boolean countIfUnderOnce(WindowCount row, Sliding sliding) {
        return jdbc.sql(postgresql ? UPSERT_POSTGRESQL : MERGE_H2)
                .param("key", row.counterKey())
                .param("window", row.windowStart())
                .param("expires", sliding.expires())
                .param("weight", sliding.weight())
                .param("previous", sliding.previous())
                .param("max", sliding.limit().max())
                .param("now", utc(sliding.now()))
                .param("stale", utc(sliding.now().minus(inFlightExpiry)))
                .update() == 1;
    }

    /**
     * The rows of an attempt counted in turn, each with its room (the limit less the previous window's weighted count)
     * and whether it, every other row of its group and every row of the groups before had room ({@code turn}): read
     * in the statement's snapshot, before anything is counted; each count is then checked again on its locked row.
     * The rows' {@code VALUES} go in its {@code %s}. ({@code OFFSET 0} keeps PostgreSQL from merging the inner query
     * into the outer one, which read each row twice.)
     */
    private static final String IN_TURN = """
            SELECT r.*, MIN(CASE WHEN r.seen < r.room THEN 1 ELSE 0 END) OVER (ORDER BY r.g) AS turn FROM (
                SELECT n.*,
                       n.max - n.weight * COALESCE((SELECT p.hits + %1$s FROM attempt_counter p
                                                    WHERE p.counter_key = n.counter_key AND p.window_start = n.previous), 0) AS room,
                       COALESCE((SELECT x.hits + %2$s FROM attempt_counter x
                                 WHERE x.counter_key = n.counter_key AND x.window_start = n.window_start), 0) AS seen
                FROM (VALUES %%s) n (g, counter_key, window_start, previous, weight, max, expires)
                OFFSET 0) r
            """.formatted(inFlight("p"), inFlight("x"));

    /**
     * PostgreSQL: the rows whose turn it is are inserted or added to in key order (so two attempts lock the rows they
     * share in one order, as their ends do), each only while its own row, locked, has room; a concurrent first insert
     * is waited for and added to. Returns the keys counted.
     */
    private static final String IN_FLIGHT_POSTGRESQL = """
            WITH in_turn AS (%1$s)
            INSERT INTO attempt_counter AS c (counter_key, window_start, hits, inflight, inflight_at, expires_at)
            SELECT counter_key, window_start, 0, 1, :now, expires FROM in_turn WHERE turn = 1 AND 0 < room
            ORDER BY counter_key, window_start
            ON CONFLICT (counter_key, window_start) DO UPDATE SET inflight = %2$s + 1, inflight_at = :now
            WHERE c.hits + %2$s < (SELECT t.room FROM in_turn t
                                   WHERE t.counter_key = c.counter_key AND t.window_start = c.window_start)
            RETURNING c.counter_key
            """.formatted(IN_TURN, inFlight("c"));

    /**
     * H2: the rows whose turn it is counted in flight in one {@code UPDATE}, each only while its own row, locked, has
     * room, once the rows are there ({@link #insertRowsNotThereH2}). H2 locks the rows first (waiting for another
     * request's lock) and then changes them together, undoing its changes when it must run the statement again. The
     * counted rows are read from its {@code FINAL TABLE}.
     */
    private static final String IN_FLIGHT_H2 = """
            SELECT counter_key FROM FINAL TABLE (
                UPDATE attempt_counter c SET inflight = %2$s + 1, inflight_at = :now
                WHERE c.counter_key IN (:keys)
                  AND EXISTS (SELECT 1 FROM (%1$s) n
                              WHERE n.counter_key = c.counter_key AND n.window_start = c.window_start
                                AND n.turn = 1 AND c.hits + %2$s < n.room))
            """.formatted(IN_TURN, inFlight("c"));

    /**
     * Counts the rows whose turn it is in flight, in one statement (on H2 after the rows not there yet are inserted),
     * and returns the keys of those counted.
     */
    private List<String> countInFlight(List<InTurn> rows) {
        StringBuilder values = new StringBuilder();
        Map<String, Object> params = new HashMap<>();
        for (int i = 0; i < rows.size(); i++) {
            InTurn row = rows.get(i);
            values.append(i == 0 ? "" : ", ").append("""
                    (CAST(:g%1$d AS INTEGER), CAST(:key%1$d AS VARCHAR(400)), CAST(:window%1$d AS TIMESTAMP WITH TIME ZONE),
                     CAST(:previous%1$d AS TIMESTAMP WITH TIME ZONE), CAST(:weight%1$d AS DOUBLE PRECISION),
                     CAST(:max%1$d AS INTEGER), CAST(:expires%1$d AS TIMESTAMP WITH TIME ZONE))""".formatted(i));
            params.put("g" + i, row.group());
            params.put("key" + i, row.count().counterKey());
            params.put("window" + i, row.count().windowStart());
            params.put("previous" + i, row.sliding().previous());
            params.put("weight" + i, row.sliding().weight());
            params.put("max" + i, row.sliding().limit().max());
            params.put("expires" + i, row.sliding().expires());
        }
        Instant now = rows.get(0).sliding().now();
        params.put("now", utc(now));
        params.put("stale", utc(now.minus(inFlightExpiry)));
        if (postgresql) {
            return jdbc.sql(IN_FLIGHT_POSTGRESQL.formatted(values)).params(params).query(String.class).list();
        }
        List<String> keys = rows.stream().map(row -> row.count().counterKey()).distinct().toList();
        insertRowsNotThereH2(rows, keys);
        params.put("keys", keys);
        return jdbc.sql(IN_FLIGHT_H2.formatted(values)).params(params).query(String.class).list();
    }

    /**
     * H2: inserts the rows of these counts (whose counter keys are {@code keys}) not there yet, counting nothing, one
     * statement each in key order (as every attempt does, so no two wait for each other). H2 runs a statement that
     * meets another request's uncommitted row again, without undoing what it had done before it, and a query that
     * fails keeps what it did (decision 0069); a statement of one row that counts nothing has nothing to do twice. A
     * row that another request inserted first is there all the same.
     */
    private void insertRowsNotThereH2(List<InTurn> rows, List<String> keys) {
        List<WindowCount> there = jdbc.sql("""
                SELECT counter_key, window_start FROM attempt_counter WHERE counter_key IN (:keys)
                """).param("keys", keys)
                .query((rs, i) -> new WindowCount(rs.getString(1), rs.getObject(2, OffsetDateTime.class)))
                .list();
        rows.stream().filter(row -> there.stream().noneMatch(t -> t.counterKey().equals(row.count().counterKey())
                        && t.windowStart().isEqual(row.count().windowStart())))
                .sorted(Comparator.comparing((InTurn row) -> row.count().counterKey())
                        .thenComparing(row -> row.count().windowStart()))
                .forEach(row -> {
                    try {
                        jdbc.sql("""
                                INSERT INTO attempt_counter (counter_key, window_start, hits, inflight, expires_at)
                                VALUES (:key, :window, 0, 0, :expires)
                                """)
                                .param("key", row.count().counterKey())
                                .param("window", row.count().windowStart())
                                .param("expires", row.sliding().expires())
                                .update();
                    } catch (DuplicateKeyException anotherRequestWasFirst) {
                        // There now, which is all this is for.
                    }
                });
    }

    /** The counts of the current and the previous window, attempts in flight included. */
    private Hits hits(String counterKey, Sliding sliding) {
        return hits(counterKey, sliding, true);
    }

    /** The counts of the current and the previous window: failures, and attempts in flight when asked for. */
    private Hits hits(String counterKey, Sliding sliding, boolean withInFlight) {
        return jdbc.sql("""
                SELECT COALESCE(SUM(CASE WHEN window_start = :current THEN hits + %1$s END), 0),
                       COALESCE(SUM(CASE WHEN window_start = :previous THEN hits + %1$s END), 0)
                FROM attempt_counter c WHERE counter_key = :key AND window_start IN (:current, :previous)
                """.formatted(withInFlight ? inFlight("c") : "0"))
                .param("stale", utc(sliding.now().minus(inFlightExpiry)))
                .param("key", counterKey)
                .param("current", sliding.current())
                .param("previous", sliding.previous())
                .query((rs, row) -> new Hits(rs.getInt(1), rs.getInt(2)))
                .single();
    }

    /** One hit, or one in-flight attempt, less in each of these rows, in one statement. */
    private void giveBack(List<WindowCount> rows, boolean inFlight) {
        if (!rows.isEmpty()) {
            inOrder(inFlight ? "inflight = c.inflight - 1" : "hits = c.hits - 1",
                    inFlight ? " AND c.inflight > 0" : " AND c.hits > 0", rows);
        }
    }

    /**
     * Updates these rows in one statement. On PostgreSQL the rows are locked in key order first (a subquery's
     * {@code FOR UPDATE} after its {@code ORDER BY}), so two statements on the same rows cannot each hold one that the
     * other waits for: every attempt's end now updates three rows, not only a right password's. H2 updates in the
     * order of its scan, the same for every statement.
     */
    private void inOrder(String set, String andWhere, List<WindowCount> rows) {
        StringBuilder which = new StringBuilder();
        Map<String, Object> params = new HashMap<>();
        for (int i = 0; i < rows.size(); i++) {
            which.append(i == 0 ? "" : " OR ").append("(counter_key = :key").append(i)
                    .append(" AND window_start = :window").append(i).append(')');
            params.put("key" + i, rows.get(i).counterKey());
            params.put("window" + i, rows.get(i).windowStart());
        }
        String sql = postgresql
                ? """
                        UPDATE attempt_counter c SET %s
                        FROM (SELECT counter_key, window_start FROM attempt_counter WHERE %s
                              ORDER BY counter_key, window_start FOR UPDATE) l
                        WHERE c.counter_key = l.counter_key AND c.window_start = l.window_start%s
                        """.formatted(set, which, andWhere)
                : "UPDATE attempt_counter c SET %s WHERE (%s)%s".formatted(set, which, andWhere);
        jdbc.sql(sql).params(params).update();
    }

    private int increment(String counterKey, OffsetDateTime window) {
        return jdbc.sql("UPDATE attempt_counter SET hits = hits + 1 WHERE counter_key = :key AND window_start = :window")
                .param("key", counterKey)
                .param("window", window)
                .update();
    }

    private static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    private static String counterKey(Limit limit, String key) {
        String full = limit.name() + ':' + key;
        return full.length() <= 400 ? full : full.substring(0, 400);
    }

}
