package se.portvakt.factor.push;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import se.portvakt.config.PortvaktProperties;

/**
 * Against push fatigue (MFA bombing): after {@code pause-after} requests in a row that were denied or not
 * approved, and after "This wasn't me", no more requests are pushed to the account for a while. Only the
 * requests made since the last pause count towards the next one.
 */
@Component
class PushPause {

    /** Why push was paused, as stored and audited. */
    enum Reason { DENIALS, REPORT }

    private final JdbcClient jdbc;
    private final PortvaktProperties.Authenticator settings;

    PushPause(JdbcClient jdbc, PortvaktProperties properties) {
        this.jdbc = jdbc;
        this.settings = properties.authenticator();
    }

    /** Until when push is paused for the account, if it is now. */
    Optional<Instant> until(String accountId) {
        return jdbc.sql("SELECT paused_until FROM push_pause WHERE account_id = :account AND paused_until > :now")
                .param("account", accountId)
                .param("now", Rows.utc(Instant.now()))
                .query((rs, row) -> Rows.instant(rs, "paused_until"))
                .optional();
    }

    /**
     * Pauses push when the account's latest {@code pause-after} requests since the last pause were none of them
     * approved (denied, a wrong number, unanswered, replaced or given up); returns until when, if it paused.
     */
    Optional<Instant> pauseIfDue(String accountId) {
        int inARow = settings.pauseAfter();
        if (inARow <= 0) {
            return Optional.empty();
        }
        Instant countedFrom = jdbc.sql("SELECT counted_from FROM push_pause WHERE account_id = :account")
                .param("account", accountId)
                .query((rs, row) -> Rows.instant(rs, "counted_from"))
                .optional()
                .orElse(Instant.EPOCH);
        List<String> latest = jdbc.sql("""
                SELECT state FROM push_request WHERE account_id = :account AND created_at > :from
                ORDER BY created_at DESC FETCH FIRST :n ROWS ONLY
                """)
                .param("account", accountId)
                .param("from", Rows.utc(countedFrom))
                .param("n", inARow)
                .query(String.class)
                .list();
        if (latest.size() < inARow || latest.contains(PushRequests.APPROVED)) {
            return Optional.empty();
        }
        return Optional.of(pause(accountId, settings.pauseFor(), Reason.DENIALS));
    }

    /** Pauses push for the account for {@code length} (or longer, when it is paused longer already); returns until when. */
    Instant pause(String accountId, Duration length, Reason reason) {
        Instant now = Instant.now();
        Instant until = now.plus(length);
        if (extend(accountId, now, until, reason) == 0) {
            try {
                jdbc.sql("""
                        INSERT INTO push_pause (account_id, counted_from, paused_until, reason)
                        VALUES (:account, :now, :until, :reason)
                        """)
                        .param("account", accountId)
                        .param("now", Rows.utc(now))
                        .param("until", Rows.utc(until))
                        .param("reason", reason.name())
                        .update();
            } catch (DuplicateKeyException anotherNodeWasFirst) {
                extend(accountId, now, until, reason);
            }
        }
        return until(accountId).orElse(until);
    }

    private int extend(String accountId, Instant now, Instant until, Reason reason) {
        return jdbc.sql("""
                UPDATE push_pause SET counted_from = :now, reason = :reason,
                    paused_until = CASE WHEN paused_until > :until THEN paused_until ELSE :until END
                WHERE account_id = :account
                """)
                .param("now", Rows.utc(now))
                .param("reason", reason.name())
                .param("until", Rows.utc(until))
                .param("account", accountId)
                .update();
    }
}
