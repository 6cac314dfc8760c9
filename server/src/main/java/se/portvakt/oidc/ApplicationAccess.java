package se.portvakt.oidc;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.stereotype.Component;

import se.portvakt.audit.AuditEvent;
import se.portvakt.audit.AuditLog;

/**
 * The applications that hold a live refresh token of a person (My account's "Applications"), and removing one's
 * access. Read from {@code oauth2_authorization} as it is (decision 0033): an application's access dates from the
 * earliest authorization code among its live authorizations, and was last used when it was last given an access
 * token (at the code exchange and at every refresh).
 */
@Component
public class ApplicationAccess {

    /** The audit event of a removal. */
    static final String AUDIT_TYPE = "application.access-removed";

    /** More live authorizations than this of one person are not looked into (the most recently used are). */
    private static final int MAX_AUTHORIZATIONS = 500;

    /**
     * One application's access.
     *
     * @param clientId its client_id
     * @param clientName its name as registered (the brand's display name, when it has one, is the page's business)
     * @param since when the earliest of its live authorizations was given
     * @param lastUsed when it was last given an access token
     */
    public record Application(String clientId, String clientName, Instant since, Instant lastUsed) {}

    private record Row(String id, String registeredClientId, Instant since, Instant lastUsed) {}

    private final JdbcClient jdbc;
    private final RegisteredClientRepository clients;
    private final Authorizations authorizations;
    private final AccountSessions sessions;
    private final AuditLog audit;
    private final Clock clock = Clock.systemUTC();

    ApplicationAccess(JdbcClient jdbc, RegisteredClientRepository clients, Authorizations authorizations,
            AccountSessions sessions, AuditLog audit) {
        this.jdbc = jdbc;
        this.clients = clients;
        this.authorizations = authorizations;
        this.sessions = sessions;
        this.audit = audit;
    }

    /** The applications holding a refresh token of the person that has not expired nor been revoked, last used first. */
    public List<Application> of(String accountId) {
        List<Row> rows = jdbc.sql("""
                SELECT id, registered_client_id, COALESCE(authorization_code_issued_at, refresh_token_issued_at),
                       COALESCE(access_token_issued_at, refresh_token_issued_at) AS last_used
                FROM oauth2_authorization
                WHERE principal_name = :account AND refresh_token_value IS NOT NULL
                  AND (refresh_token_expires_at IS NULL OR refresh_token_expires_at > :now)
                ORDER BY last_used DESC FETCH FIRST %d ROWS ONLY
                """.formatted(MAX_AUTHORIZATIONS))
                .param("account", accountId)
                .param("now", OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC))
                .query((rs, n) -> new Row(rs.getString(1), rs.getString(2), instant(rs.getTimestamp(3)),
                        instant(rs.getTimestamp(4))))
                .list();
        // By application, the rows newest first: the first one's last use is the application's.
        Map<String, Application> applications = new LinkedHashMap<>();
        for (Row row : rows) {
            if (!live(row.id())) {
                continue;
            }
            RegisteredClient client = clients.findById(row.registeredClientId());
            if (client == null) {
                // Removed (its row deleted) since the row above was read: nothing to name, nothing it can refresh with.
                continue;
            }
            applications.merge(client.getId(), new Application(client.getClientId(), client.getClientName(),
                    row.since(), row.lastUsed()), (known, more) -> new Application(known.clientId(),
                    known.clientName(), earlier(known.since(), more.since()), known.lastUsed()));
        }
        return List.copyOf(applications.values());
    }

    /**
     * Whether the authorization's refresh token still works: a revocation at {@code /oauth2/revoke} marks it
     * invalidated in its metadata and keeps its value.
     */
    private boolean live(String authorizationId) {
        OAuth2Authorization authorization = authorizations.findById(authorizationId);
        return authorization != null && authorization.getRefreshToken() != null
                && authorization.getRefreshToken().isActive();
    }

    private static Instant earlier(Instant one, Instant other) {
        return one == null ? other : other == null || one.isBefore(other) ? one : other;
    }

    /**
     * Ends the access of one of the person's applications: every authorization of theirs with it (refresh and access
     * tokens), the application told by back-channel logout when it is told of logouts; audited. Empty, with nothing
     * done, when no application of the person's has this client_id (another person's, unknown, made up).
     *
     * @param address the client address of the browser that removed it, for the audit log
     */
    public Optional<Application> remove(String accountId, String clientId, String address) {
        Optional<Application> application = of(accountId).stream()
                .filter(candidate -> candidate.clientId().equals(clientId))
                .findFirst();
        application.ifPresent(removed -> {
            RegisteredClient client = clients.findByClientId(removed.clientId());
            AccountSessions.Ended ended = client == null ? new AccountSessions.Ended(0, 0, 0)
                    : sessions.endApplication(accountId, client.getId(), AccountSessions.Reason.ACCESS_REMOVED);
            audit.record(new AuditEvent(AUDIT_TYPE, "success", accountId, null, removed.clientId(), address,
                    ended.authorizations() + " authorizations, " + ended.notices() + " logout tokens"));
        });
        return application;
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
