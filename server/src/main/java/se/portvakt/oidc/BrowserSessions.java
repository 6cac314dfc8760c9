package se.portvakt.oidc;

import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;

import jakarta.servlet.http.HttpSession;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.config.ObjectPostProcessor;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.session.SessionInformation;
import org.springframework.security.core.session.SessionRegistry;
import org.springframework.security.oauth2.server.authorization.web.OAuth2AuthorizationEndpointFilter;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;


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
     * At every authorization request Spring Authorization Server asks the registry whether it knows the browser
     * session, to register it if not: a read of the session's row for nothing, since Spring Session keeps the
     * sessions. The session that made a code is kept with its authorization instead ({@link Authorizations}).
     */
    static final ObjectPostProcessor<OAuth2AuthorizationEndpointFilter> NOTHING_TO_REGISTER = new ObjectPostProcessor<>() {
        @Override
        public <O extends OAuth2AuthorizationEndpointFilter> O postProcess(O filter) {
            filter.setSessionAuthenticationStrategy((authentication, request, response) -> {});
            return filter;
        }
    };

    /** The request attribute with the session that made the code this request exchanges ({@link #madeTheCode}). */
    private static final String MADE_THE_CODE = BrowserSessions.class.getName() + ".made-the-code";

    private final JdbcClient jdbc;

    BrowserSessions(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * In a code exchange, the session that made the code ({@link #madeTheCode}); else the account's newest sessions
     * (at most 20: more is unusual, and the newest are the ones asked about).
     */
    @Override
    public List<SessionInformation> getAllSessions(Object principal, boolean includeExpiredSessions) {
        String name = principal instanceof Authentication authentication
                ? authentication.getName() : String.valueOf(principal);
        RequestAttributes request = RequestContextHolder.getRequestAttributes();
        if (request != null && request.getAttribute(MADE_THE_CODE, RequestAttributes.SCOPE_REQUEST)
                instanceof SessionInformation made && made.getPrincipal().equals(name)) {
            return List.of(made);
        }
        return stored(name, includeExpiredSessions, 20);
    }

    /**
     * The id of this request's browser session, or null when it has none. Spring Session's filter wraps the request,
     * so this is the id of its session (not the servlet container's).
     */
    static String ofThisRequest() {
        if (RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attributes) {
            HttpSession session = attributes.getRequest().getSession(false);
            return session == null ? null : session.getId();
        }
        return null;
    }

    /**
     * Whether the browser session that made a code (its {@code sid}) is still signed in as the code's account; if so,
     * it is the session that this request's ID token names ({@link #getAllSessions}). A code from a session that
     * signed out, or ended otherwise, is not exchanged. The session is found by its {@code sid}, the SHA-256 of its id
     * that the database keeps beside it (decision 0072): one indexed row, however many sessions the account has.
     */
    boolean madeTheCode(String principalName, String sid) {
        byte[] hash;
        try {
            hash = Base64.getUrlDecoder().decode(sid);
        } catch (IllegalArgumentException notASid) {
            return false;
        }
        List<String> live = jdbc.sql("""
                SELECT SESSION_ID FROM SPRING_SESSION
                WHERE SID_HASH = :hash AND PRINCIPAL_NAME = :name AND EXPIRY_TIME > :now
                """)
                .param("hash", hash)
                .param("name", principalName)
                .param("now", Instant.now().toEpochMilli())
                .query(String.class).list();
        if (live.isEmpty()) {
            return false;
        }
        SessionInformation session = new SessionInformation(principalName, live.get(0), new Date());
        RequestAttributes request = RequestContextHolder.getRequestAttributes();
        if (request != null) {
            request.setAttribute(MADE_THE_CODE, session, RequestAttributes.SCOPE_REQUEST);
        }
        return true;
    }

    /** The account's sessions, most recently used first. */
    private List<SessionInformation> stored(String name, boolean includeExpired, int atMost) {
        return jdbc.sql("""
                SELECT SESSION_ID, LAST_ACCESS_TIME, EXPIRY_TIME FROM SPRING_SESSION
                WHERE PRINCIPAL_NAME = :name AND (:all = TRUE OR EXPIRY_TIME > :now)
                ORDER BY LAST_ACCESS_TIME DESC
                FETCH FIRST %d ROWS ONLY
                """.formatted(atMost))
                .param("name", name)
                .param("all", includeExpired)
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
