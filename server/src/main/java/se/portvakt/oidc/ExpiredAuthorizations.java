package se.portvakt.oidc;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import se.portvakt.housekeeping.Purge;

/**
 * Authorizations ({@code oauth2_authorization}) whose every token expired more than {@link #KEPT_FOR} ago: code,
 * access, ID and refresh token (and device codes, unused here). Spring Authorization Server never deletes them.
 *
 * <p>Not at once: RP-initiated logout finds the sign-in by its ID token, expired ones too (an application logs out
 * with the ID token of its sign-in, long after it expired; {@link SupersededIdTokenHints}), and without the row
 * it answers 400 instead of ending the session and going back to the application. A week covers an application's
 * session ("a recent session", RP-Initiated Logout 1.0 section 2). A row with no token at all (an authorization
 * request waiting for consent) has no expiry to go by and is left.
 *
 * <p>The rows of an application that is no longer registered go at once, expired or not: nothing reads them any more
 * ({@link AuthorizationRows}), not even a logout, whose hint must name a registered application.
 */
@Component
class ExpiredAuthorizations implements Purge {

    static final Duration KEPT_FOR = Duration.ofDays(7);

    private final JdbcClient jdbc;

    ExpiredAuthorizations(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public String name() {
        return "authorizations";
    }

    @Override
    public int purgeBatch(Instant now, int batchSize) {
        return jdbc.sql("""
                DELETE FROM oauth2_authorization WHERE id IN
                    (SELECT id FROM oauth2_authorization
                     WHERE ((authorization_code_expires_at IS NULL OR authorization_code_expires_at < :before)
                       AND (access_token_expires_at IS NULL OR access_token_expires_at < :before)
                       AND (oidc_id_token_expires_at IS NULL OR oidc_id_token_expires_at < :before)
                       AND (refresh_token_expires_at IS NULL OR refresh_token_expires_at < :before)
                       AND (user_code_expires_at IS NULL OR user_code_expires_at < :before)
                       AND (device_code_expires_at IS NULL OR device_code_expires_at < :before)
                       AND COALESCE(authorization_code_expires_at, access_token_expires_at, oidc_id_token_expires_at,
                                    refresh_token_expires_at, user_code_expires_at, device_code_expires_at) IS NOT NULL)
                        OR NOT EXISTS (SELECT 1 FROM oauth2_registered_client c
                                       WHERE c.id = oauth2_authorization.registered_client_id)
                     FETCH FIRST :batch ROWS ONLY)
                """)
                .param("before", OffsetDateTime.ofInstant(now.minus(KEPT_FOR), ZoneOffset.UTC))
                .param("batch", batchSize)
                .update();
    }
}
