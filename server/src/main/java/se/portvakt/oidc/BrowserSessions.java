package se.portvakt.oidc;

import java.time.Instant;
import java.util.Date;
import java.util.List;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.config.ObjectPostProcessor;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.session.SessionInformation;
import org.springframework.security.core.session.SessionRegistry;
import org.springframework.security.oauth2.core.oidc.OidcScopes;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.web.OAuth2AuthorizationEndpointFilter;

import se.portvakt.config.SessionLastAccess;

/**
 * The browser sessions of an account, as Spring Authorization Server asks for them (the ID token's {@code sid},
 * RP-initiated logout), read from Spring Session's table by its principal index.
 *
 * <p>Reads only id and times: Spring Session's own registry loads and deserializes every attribute of every
 * session of the account at each code exchange, which made a sign-in cost more CPU than its password hash.
 * Sessions are created, renewed and removed by Spring Session; the registration methods here do nothing.
 */
final class BrowserSessions implements SessionRegistry {

    /**
     * At every OpenID authorization request Spring Authorization Server asks the registry whether it knows the browser
     * session, to register it if not: a read of the session's row for nothing, since Spring Session keeps the sessions
     * and {@link #registerNewSession} does nothing. Instead the session that made the authorization stores its last
     * access exactly (not to the minute, decision 0047), so that it is the account's most recently used session when
     * the code is exchanged and {@link #getAllSessions} is asked for the ID token's {@code sid}.
     */
    static final ObjectPostProcessor<OAuth2AuthorizationEndpointFilter> MADE_THE_AUTHORIZATION = new ObjectPostProcessor<>() {
        @Override
        public <O extends OAuth2AuthorizationEndpointFilter> O postProcess(O filter) {
            filter.setSessionAuthenticationStrategy((authentication, request, response) -> {
                if (authentication instanceof OAuth2AuthorizationCodeRequestAuthenticationToken authorization
                        && authorization.getScopes().contains(OidcScopes.OPENID)) {
                    SessionLastAccess.writtenWith(request);
                }
            });
            return filter;
        }
    };

    private final JdbcClient jdbc;

    BrowserSessions(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The account's newest sessions (at most 20: more is unusual, and the newest are the ones asked about). */
    @Override
    public List<SessionInformation> getAllSessions(Object principal, boolean includeExpiredSessions) {
        String name = principal instanceof Authentication authentication
                ? authentication.getName() : String.valueOf(principal);
        return jdbc.sql("""
                SELECT SESSION_ID, LAST_ACCESS_TIME, EXPIRY_TIME FROM SPRING_SESSION
                WHERE PRINCIPAL_NAME = :name AND (:all = TRUE OR EXPIRY_TIME > :now)
                ORDER BY LAST_ACCESS_TIME DESC
                FETCH FIRST 20 ROWS ONLY
                """)
                .param("name", name)
                .param("all", includeExpiredSessions)
                .param("now", Instant.now().toEpochMilli())
                .query((rs, row) -> information(name, rs.getString("SESSION_ID"), rs.getLong("LAST_ACCESS_TIME"),
                        rs.getLong("EXPIRY_TIME")))
                .list();
    }

    @Override
    public SessionInformation getSessionInformation(String sessionId) {
        return jdbc.sql("""
                SELECT SESSION_ID, PRINCIPAL_NAME, LAST_ACCESS_TIME, EXPIRY_TIME FROM SPRING_SESSION WHERE SESSION_ID = :id
                """)
                .param("id", sessionId)
                .query((rs, row) -> information(rs.getString("PRINCIPAL_NAME"), rs.getString("SESSION_ID"),
                        rs.getLong("LAST_ACCESS_TIME"), rs.getLong("EXPIRY_TIME")))
                .optional()
                .filter(information -> information.getPrincipal() != null)
                .orElse(null);
    }

    @Override
    public List<Object> getAllPrincipals() {
        return List.of();
    }

    @Override
    public void refreshLastRequest(String sessionId) {
        // Spring Session keeps LAST_ACCESS_TIME itself.
    }

    @Override
    public void registerNewSession(String sessionId, Object principal) {
        // Spring Session indexes the principal when the security context is saved.
    }

    @Override
    public void removeSessionInformation(String sessionId) {
        // Spring Session removes the row when the session is invalidated or expires.
    }

    private static SessionInformation information(String principal, String sessionId, long lastAccess, long expiry) {
        SessionInformation information = new SessionInformation(principal, sessionId, new Date(lastAccess));
        if (expiry <= Instant.now().toEpochMilli()) {
            information.expireNow();
        }
        return information;
    }
}
