package se.portvakt.audit;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import se.portvakt.config.PortvaktProperties;
import se.portvakt.housekeeping.Purge;

/**
 * Audit events older than {@code portvakt.audit.retention} (400 days by default, never under the 90 days that My
 * account shows a person), purged in batches by housekeeping.
 */
@Component
class AuditRetention implements Purge {

    private final JdbcClient jdbc;
    private final Duration retention;

    AuditRetention(JdbcClient jdbc, PortvaktProperties properties) {
        this.jdbc = jdbc;
        this.retention = properties.audit().retention();
    }

    @Override
    public String name() {
        return "audit-events";
    }

    @Override
    public int purgeBatch(Instant now, int batchSize) {
        return jdbc.sql("""
                DELETE FROM audit_event WHERE id IN
                    (SELECT id FROM audit_event WHERE occurred_at < :before FETCH FIRST :batch ROWS ONLY)
                """)
                .param("before", OffsetDateTime.ofInstant(now.minus(retention), ZoneOffset.UTC))
                .param("batch", batchSize)
                .update();
    }
}
