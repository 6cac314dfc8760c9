package se.portvakt.housekeeping;

import java.time.Instant;

/**
 * One kind of row that outlives its use (expired flows, spent secrets, ended counter windows), purged by the
 * component that owns its table: the SQL stays beside the table, and {@link Housekeeping} only decides when, on
 * which node and in what batches.
 */
public interface Purge {

    /** A short name for logs and the {@code portvakt.housekeeping.purged} counter, such as {@code signin-flows}. */
    String name();

    /**
     * Deletes at most {@code batchSize} rows that were no longer needed at {@code now}, in one statement, and
     * returns how many it deleted; fewer than {@code batchSize} means none are left.
     */
    int purgeBatch(Instant now, int batchSize);
}
