package se.portvakt.oidc;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.oauth2.core.oidc.OidcIdToken;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.session.FindByIndexNameSessionRepository;
import org.springframework.session.Session;
import org.springframework.stereotype.Component;

import se.portvakt.audit.AuditEvent;
import se.portvakt.audit.AuditLog;
import se.portvakt.client.Clients;

/**
 * Ends a person's sessions: at Portvakt (the browser sessions), at the applications (their tokens end, and those
 * with a {@code backchannel-logout-uri} are told by {@link BackChannelLogout}). One browser session ends when the
 * person signs out ({@link SignOutNotices}) or ends it from another on My account ({@link #endOthers}); all of an
 * account's when its password changes, or when an operator ends them.
 *
 * <p>An application is told about the sessions it holds an authorization of, named as its ID tokens named them:
 * {@code sid} is the SHA-256 of the browser session's id, as Spring Authorization Server puts it in ID tokens.
 */
@Component
public class AccountSessions {

    /** Why sessions ended, as the audit log says it. */
    public enum Reason {
        SIGNED_OUT("signed-out"), PASSWORD_CHANGED("password-changed"), ENDED_BY_OPERATOR("ended-by-operator"),
        ENDED_BY_PERSON("ended-by-person"), ACCESS_REMOVED("access-removed"), REPORTED("reported-by-person");

        private final String value;

        Reason(String value) {
            this.value = value;
        }

        public String value() {
            return value;
        }
    }

    /** What {@link #endAll} ended: browser sessions, authorizations, and the applications that will be told. */
    public record Ended(int browserSessions, int authorizations, int notices) {}

    static final String AUDIT_TYPE = "session.end";

    /** More authorizations than this for one account are not looked into for sessions (the newest are). */
    private static final int MAX_AUTHORIZATIONS = 500;

    private final JdbcClient jdbc;
    private final Authorizations authorizations;
    private final RegisteredClientRepository clients;
    private final FindByIndexNameSessionRepository<? extends Session> sessions;
    private final BackChannelLogout backChannel;
    private final AuditLog audit;

    AccountSessions(JdbcClient jdbc, Authorizations authorizations, RegisteredClientRepository clients,
            FindByIndexNameSessionRepository<? extends Session> sessions, BackChannelLogout backChannel,
            AuditLog audit) {
        this.jdbc = jdbc;
        this.authorizations = authorizations;
        this.clients = clients;
        this.sessions = sessions;
        this.backChannel = backChannel;
        this.audit = audit;
    }

    /**
     * The person signed out of one browser session (which the caller ends): the refresh and access tokens issued
     * in it end, and each application signed in through it is told, with the session's {@code sid}. The account's
     * other sessions, and the applications signed in only through them, are left alone.
     */
    void endSession(String accountId, String sessionId, String address) {
        EndedTokens ended = endTokensOf(accountId, sessionId, Reason.SIGNED_OUT);
        audit.record(new AuditEvent(AUDIT_TYPE, Reason.SIGNED_OUT.value(), accountId, null, null, address,
                "1 browser session, " + ended.authorizations() + " authorizations, " + ended.notices()
                        + " applications told"));
    }

    /**
     * The person ends some of their other browser sessions (My account): each is signed out as if it had signed
     * out itself (its tokens end, its applications are told with its {@code sid}) and removed, so that browser is
     * asked to sign in again. Only the account's own sessions are ended: an id of another account's is passed over.
     *
     * @param address the client address of the browser that ended them, for the audit log
     */
    public Ended endOthers(String accountId, Collection<String> sessionIds, Reason reason, String address) {
        Set<String> own = new LinkedHashSet<>(jdbc.sql("SELECT SESSION_ID FROM SPRING_SESSION WHERE PRINCIPAL_NAME = :a")
                .param("a", accountId)
                .query(String.class)
                .list());
        int browserSessions = 0;
        int authorizationsEnded = 0;
        int notices = 0;
        for (String sessionId : sessionIds) {
            if (!own.contains(sessionId)) {
                continue;
            }
            EndedTokens ended = endTokensOf(accountId, sessionId, reason);
            sessions.deleteById(sessionId);
            browserSessions++;
            authorizationsEnded += ended.authorizations();
            notices += ended.notices();
        }
        audit.record(new AuditEvent(AUDIT_TYPE, reason.value(), accountId, null, null, address,
                browserSessions + " browser sessions, " + authorizationsEnded + " authorizations, " + notices
                        + " applications told"));
        return new Ended(browserSessions, authorizationsEnded, notices);
    }

    private record EndedTokens(int authorizations, int notices) {}

    /**
     * Ends the refresh and access tokens issued in one browser session and tells each application signed in through
     * it, with the session's {@code sid}.
     */
    private EndedTokens endTokensOf(String accountId, String sessionId, Reason reason) {
        String sid = sid(sessionId);
        List<String> candidates = jdbc.sql("""
                SELECT id FROM oauth2_authorization
                WHERE principal_name = :account AND oidc_id_token_metadata LIKE :sid
                ORDER BY oidc_id_token_issued_at DESC FETCH FIRST %d ROWS ONLY
                """.formatted(MAX_AUTHORIZATIONS))
                .param("account", accountId)
                .param("sid", "%" + sid + "%")
                .query(String.class)
                .list();
        Set<BackChannelLogout.Notice> notices = new LinkedHashSet<>();
        int ended = 0;
        for (String id : candidates) {
            OAuth2Authorization authorization = authorizations.findById(id);
            if (authorization == null || !sid.equals(sidOf(authorization))) {
                continue;
            }
            ended += authorizations.revoke(id).isPresent() ? 1 : 0;
            told(authorization).ifPresent(client -> notices.add(new BackChannelLogout.Notice(
                    client.getClientId(), accountId, sid, reason.value())));
        }
        backChannel.enqueue(notices);
        return new EndedTokens(ended, notices.size());
    }

    /**
     * Ends every session of the account: signs it out of every browser, ends every authorization (with its refresh
     * and access tokens) and tells each application that holds one and has a {@code backchannel-logout-uri}: once
     * per session it knows ({@code sid}) when it requires the sid, else once for the person ({@code sub} only).
     *
     * @param address the client address of whoever ended them, for the audit log; null when not known
     */
    public Ended endAll(String accountId, Reason reason, String address) {
        return endAll(accountId, reason, address, null);
    }

    /**
     * As {@link #endAll(String, Reason, String)}, but the browser session {@code keptSessionId} stays signed in: the
     * one in which the person changed their password on My account. Its applications' tokens end all the same.
     */
    public Ended endAll(String accountId, Reason reason, String address, String keptSessionId) {
        List<String> ids = jdbc.sql("""
                SELECT id FROM oauth2_authorization WHERE principal_name = :account
                ORDER BY oidc_id_token_issued_at DESC FETCH FIRST %d ROWS ONLY
                """.formatted(MAX_AUTHORIZATIONS))
                .param("account", accountId)
                .query(String.class)
                .list();
        Set<BackChannelLogout.Notice> notices = new LinkedHashSet<>();
        for (String id : ids) {
            OAuth2Authorization authorization = authorizations.findById(id);
            if (authorization == null) {
                continue;
            }
            accountWideNotice(authorization, accountId, reason).ifPresent(notices::add);
        }
        List<String> browserSessions = new ArrayList<>(sessions.findByPrincipalName(accountId).keySet());
        browserSessions.remove(keptSessionId);
        browserSessions.forEach(sessions::deleteById);
        int ended = jdbc.sql("DELETE FROM oauth2_authorization WHERE principal_name = :account")
                .param("account", accountId)
                .update();
        backChannel.enqueue(notices);
        // A password change has its own audit row (password.changed), which says as much.
        if (reason != Reason.PASSWORD_CHANGED) {
            audit.record(new AuditEvent(AUDIT_TYPE, reason.value(), accountId, null, null, address,
                    browserSessions.size() + " browser sessions, " + ended + " authorizations, " + notices.size()
                            + " logout tokens"));
        }
        return new Ended(browserSessions.size(), ended, notices.size());
    }

    /**
     * The person removes an application's access (My account): every authorization of theirs with that application
     * ends (its refresh and access tokens; the ID token stays for {@code id_token_hint}) and the application, when it
     * is told of logouts, is told as on an account-wide end. The browser sessions stay: the person is still signed in
     * to Portvakt. The caller audits it.
     *
     * @param registeredClientId the application's registered client id (not its client_id)
     */
    public Ended endApplication(String accountId, String registeredClientId, Reason reason) {
        List<String> ids = jdbc.sql("""
                SELECT id FROM oauth2_authorization WHERE principal_name = :account AND registered_client_id = :client
                ORDER BY oidc_id_token_issued_at DESC FETCH FIRST %d ROWS ONLY
                """.formatted(MAX_AUTHORIZATIONS))
                .param("account", accountId)
                .param("client", registeredClientId)
                .query(String.class)
                .list();
        Set<BackChannelLogout.Notice> notices = new LinkedHashSet<>();
        int ended = 0;
        for (String id : ids) {
            OAuth2Authorization authorization = authorizations.findById(id);
            if (authorization == null || authorizations.revoke(id).isEmpty()) {
                continue;
            }
            ended++;
            accountWideNotice(authorization, accountId, reason).ifPresent(notices::add);
        }
        backChannel.enqueue(notices);
        return new Ended(0, ended, notices.size());
    }

    /**
     * The logout token that tells the authorization's application of an end of the person's access there: once per
     * session ({@code sid}) when it requires the sid, else once for the person ({@code sub} only); none when it is
     * not told, or requires the sid and got no ID token (it has no session of ours to end).
     */
    private Optional<BackChannelLogout.Notice> accountWideNotice(OAuth2Authorization authorization, String accountId,
            Reason reason) {
        return told(authorization).flatMap(client -> {
            if (!Clients.backchannelLogoutSessionRequired(client)) {
                return Optional.of(new BackChannelLogout.Notice(client.getClientId(), accountId, null, reason.value()));
            }
            String sid = sidOf(authorization);
            return sid == null ? Optional.empty()
                    : Optional.of(new BackChannelLogout.Notice(client.getClientId(), accountId, sid, reason.value()));
        });
    }

    /** The application of the authorization, when it is told of logouts. */
    private Optional<RegisteredClient> told(OAuth2Authorization authorization) {
        return Optional.ofNullable(clients.findById(authorization.getRegisteredClientId()))
                .filter(client -> Clients.backchannelLogoutUri(client).isPresent());
    }

    private static String sidOf(OAuth2Authorization authorization) {
        OAuth2Authorization.Token<OidcIdToken> idToken = authorization.getToken(OidcIdToken.class);
        return idToken == null ? null : idToken.getToken().getClaimAsString("sid");
    }

    /** The {@code sid} that Spring Authorization Server gives the ID tokens of this browser session. */
    static String sid(String sessionId) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(sessionId.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
