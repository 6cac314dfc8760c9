package se.portvakt.myaccount;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The person's sign-ins as the audit log recorded them: the sign-in before this session's, and the wrong passwords
 * and codes typed for the account since then. Events are ordered by their id, the order they were recorded in, so
 * two sign-ins within one clock tick are still told apart.
 */
@Component
class SignInHistory {

    /**
     * The audit events of a wrong password or a wrong second-factor code at sign-in (PasswordStep, and
     * SecondFactorAttempts' {@code signin.<factor>}), and of a wrong current password on My account's password page
     * (it counts in the sign-in's limits too); a wrong code while setting a factor up is not a sign-in attempt.
     */
    private static final String FAILED_ATTEMPTS = """
            event_type IN ('signin.password', 'signin.totp', 'signin.sms', 'signin.emergency-code', 'signin.push',
                'password.change')
            AND outcome = 'failure'""";

    private final JdbcClient jdbc;

    SignInHistory(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** A recorded sign-in: its event's id, when, from which address and browser (the User-Agent, null before V19). */
    record SignIn(long id, Instant at, String address, String userAgent) {}

    /**
     * The account's last sign-in before the one with event id {@code thisSignIn}; when this session's sign-in is not
     * known (signed in before sessions kept it), the one before the account's latest.
     */
    Optional<SignIn> previous(String accountId, Optional<Long> thisSignIn) {
        return jdbc.sql("""
                SELECT id, occurred_at, address, user_agent FROM audit_event
                WHERE account_id = :account AND event_type = 'signin' AND outcome = 'success' AND id < :before
                ORDER BY id DESC
                OFFSET :skip ROWS FETCH FIRST 1 ROWS ONLY
                """)
                .param("account", accountId)
                .param("before", thisSignIn.orElse(Long.MAX_VALUE))
                .param("skip", thisSignIn.isPresent() ? 0 : 1)
                .query((row, n) -> new SignIn(row.getLong("id"),
                        row.getObject("occurred_at", OffsetDateTime.class).toInstant(), row.getString("address"),
                        row.getString("user_agent")))
                .optional();
    }

    /** The wrong passwords and codes typed for the account after the event with id {@code since} (0: ever). */
    int failedAttemptsSince(String accountId, long since) {
        return jdbc.sql("SELECT COUNT(*) FROM audit_event WHERE account_id = :account AND id > :since AND "
                        + FAILED_ATTEMPTS)
                .param("account", accountId)
                .param("since", since)
                .query(Integer.class)
                .single();
    }
}
