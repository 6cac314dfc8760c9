package se.portvakt.signin.twofactor;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import se.portvakt.client.Clients;

/**
 * Decision 0035's rule: a person who uses an application that requires two factors cannot turn two-factor
 * authentication off, nor remove their last method. Asked by My account's methods page and by the sign-in's "Turn off
 * two-factor authentication" after the emergency code, so both refuse alike.
 */
@Component
public class TwoFactorRequiredBy {

    /** How far back a sign-in to an application counts as using it. */
    public static final Duration IN_USE = Duration.ofDays(90);

    private final Clients clients;
    private final JdbcClient jdbc;

    TwoFactorRequiredBy(Clients clients, JdbcClient jdbc) {
        this.clients = clients;
        this.jdbc = jdbc;
    }

    /**
     * The name of an application that requires two factors and that the person uses: one holding an authorization of
     * the person (a refresh token, a consent), or signed in to within {@link #IN_USE}; empty when there is none.
     */
    public Optional<String> applicationOf(String accountId) {
        List<String> used = jdbc.sql("""
                SELECT c.client_id FROM oauth2_registered_client c
                WHERE c.id IN (SELECT registered_client_id FROM oauth2_authorization WHERE principal_name = :account)
                   OR c.id IN (SELECT registered_client_id FROM oauth2_authorization_consent WHERE principal_name = :account)
                   OR c.client_id IN (SELECT client_id FROM audit_event WHERE account_id = :account
                                      AND event_type = 'signin' AND outcome = 'success' AND occurred_at > :since)
                ORDER BY c.client_id
                """)
                .param("account", accountId)
                .param("since", OffsetDateTime.ofInstant(Instant.now().minus(IN_USE), ZoneOffset.UTC))
                .query(String.class)
                .list();
        return used.stream().filter(clients::requiresTwoFactor).findFirst().map(clients::displayName);
    }

    /** The same, the application being signed in to ({@code clientId}, null for none) first. */
    public Optional<String> applicationOf(String accountId, String clientId) {
        if (clientId != null && clients.requiresTwoFactor(clientId)) {
            return Optional.of(clients.displayName(clientId));
        }
        return applicationOf(accountId);
    }
}
