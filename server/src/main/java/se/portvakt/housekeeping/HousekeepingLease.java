package se.portvakt.housekeeping;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The right to purge, held by one node at a time: the single row of {@code housekeeping_lease}, taken and renewed
 * by one conditional {@code UPDATE} (free, ended, or already ours), so it works the same on H2 and PostgreSQL and
 * needs no connection held open. See docs/decisions/0030-housekeeping-by-one-node.md.
 */
final class HousekeepingLease {

    private final JdbcClient jdbc;
    private final String holder;
    private final Duration length;

    HousekeepingLease(JdbcClient jdbc, String holder, Duration length) {
        this.jdbc = jdbc;
        this.holder = holder;
        this.length = length;
    }

    /** Takes the lease, or renews it when this node holds it already, until {@code now} plus its length. */
    boolean take(Instant now) {
        return jdbc.sql("""
                UPDATE housekeeping_lease SET holder = :holder, lease_until = :until
                WHERE id = 1 AND (holder = :holder OR holder IS NULL OR lease_until < :now)
                """)
                .param("holder", holder)
                .param("until", utc(now.plus(length)))
                .param("now", utc(now))
                .update() == 1;
    }

    /** Lets another node take the lease at once, if this node still holds it. */
    void release() {
        jdbc.sql("UPDATE housekeeping_lease SET holder = NULL WHERE id = 1 AND holder = :holder")
                .param("holder", holder)
                .update();
    }

    private static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
