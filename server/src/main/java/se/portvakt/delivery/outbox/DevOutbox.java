package se.portvakt.delivery.outbox;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The development outbox: messages that would have been emailed (or texted) are stored in the database,
 * where a person reads them on the page {@code /dev/outbox} and a test reads them directly. Enabled only by
 * {@code portvakt.dev-outbox.enabled=true} (the run command's demo profile); never in production.
 */
public final class DevOutbox {

    /** One stored message. */
    public record Message(long id, String channel, String recipient, String subject, String text, String html,
            Instant createdAt) {}

    private static final RowMapper<Message> MESSAGE = (rs, row) -> new Message(rs.getLong("id"), rs.getString("channel"),
            rs.getString("recipient"), rs.getString("subject"), rs.getString("text_body"), rs.getString("html_body"),
            rs.getObject("created_at", OffsetDateTime.class).toInstant());

    private final JdbcClient jdbc;

    public DevOutbox(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Stores a message. */
    public void store(String channel, String recipient, String subject, String text, String html) {
        jdbc.sql("""
                INSERT INTO dev_outbox (channel, recipient, subject, text_body, html_body, created_at)
                VALUES (:channel, :recipient, :subject, :text, :html, :at)
                """)
                .param("channel", channel)
                .param("recipient", recipient)
                .param("subject", subject)
                .param("text", text)
                .param("html", html)
                .param("at", OffsetDateTime.now(ZoneOffset.UTC))
                .update();
    }

    /** The newest messages first. */
    public List<Message> latest(int limit) {
        return jdbc.sql("SELECT * FROM dev_outbox ORDER BY id DESC FETCH FIRST :limit ROWS ONLY")
                .param("limit", limit)
                .query(MESSAGE)
                .list();
    }

    /** The newest message on a channel ({@code email}, {@code sms}) to one recipient, if there is one. */
    public Optional<Message> latest(String channel, String recipient) {
        return jdbc.sql("""
                SELECT * FROM dev_outbox WHERE channel = :channel AND recipient = :recipient
                ORDER BY id DESC FETCH FIRST 1 ROWS ONLY
                """)
                .param("channel", channel)
                .param("recipient", recipient)
                .query(MESSAGE)
                .optional();
    }
}
