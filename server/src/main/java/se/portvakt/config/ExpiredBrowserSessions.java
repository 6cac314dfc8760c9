package se.portvakt.config;

import java.time.Instant;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import se.portvakt.housekeeping.Purge;

/**
 * Browser sessions (Spring Session's table) that expired: purged here in batches on the node holding the
 * housekeeping lease, instead of by Spring Session's own clean-up, which deletes them all in one statement every
 * minute on every node (switched off with {@code spring.session.jdbc.cleanup-cron: "-"}). Their attributes go with
 * them by the foreign key's {@code ON DELETE CASCADE}.
 */
@Component
class ExpiredBrowserSessions implements Purge {

    private final JdbcClient jdbc;

    ExpiredBrowserSessions(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public String name() {
        return "browser-sessions";
    }

    @Override
    public int purgeBatch(Instant now, int batchSize) {
        return jdbc.sql("""
                DELETE FROM SPRING_SESSION WHERE PRIMARY_ID IN
                    (SELECT PRIMARY_ID FROM SPRING_SESSION WHERE EXPIRY_TIME < :now FETCH FIRST :batch ROWS ONLY)
                """)
                .param("now", now.toEpochMilli())
                .param("batch", batchSize)
                .update();
    }
}
