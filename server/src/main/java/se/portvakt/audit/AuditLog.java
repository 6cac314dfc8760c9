package se.portvakt.audit;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;
import org.springframework.stereotype.Component;

/** Writes security events to the {@code audit_event} table (and the log, for operators who ship logs). */
@Component
public class AuditLog {

    private static final Logger log = LoggerFactory.getLogger("portvakt.audit");

    private final JdbcClient jdbc;

    public AuditLog(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Records one event; returns its id, which orders events as they were recorded. */
    public long record(AuditEvent event) {
        KeyHolder id = new GeneratedKeyHolder();
        jdbc.sql("""
                INSERT INTO audit_event (occurred_at, event_type, outcome, account_id, email, client_id, address,
                                         detail, user_agent)
                VALUES (:at, :type, :outcome, :account, :email, :client, :address, :detail, :userAgent)
                """)
                .param("at", OffsetDateTime.now(ZoneOffset.UTC))
                .param("type", event.type())
                .param("outcome", event.outcome())
                .param("account", event.accountId())
                .param("email", truncate(event.email(), 320))
                .param("client", truncate(event.clientId(), 100))
                .param("address", truncate(event.address(), 64))
                .param("detail", truncate(event.detail(), 1000))
                .param("userAgent", truncate(event.userAgent(), 300))
                .update(id, "id");
        log.info("{} {} account={} client={} address={}", event.type(), event.outcome(), event.accountId(),
                event.clientId(), event.address());
        return id.getKeyAs(Number.class).longValue();
    }

    private static String truncate(String value, int max) {
        return value == null || value.length() <= max ? value : value.substring(0, max);
    }
}
