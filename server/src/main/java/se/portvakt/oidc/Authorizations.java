package se.portvakt.oidc;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import org.springframework.jdbc.core.ArgumentPreparedStatementSetter;
import org.springframework.jdbc.core.JdbcOperations;
import org.springframework.jdbc.core.SqlParameterValue;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.server.authorization.JdbcOAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationCode;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.transaction.support.TransactionOperations;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;

/**
 * Spring Authorization Server's JDBC store of authorizations, in its table and format, with two costs taken out:
 * rows are read by {@link AuthorizationRows}, and a save is one statement (an upsert; within a token request a
 * conditional UPDATE) where Spring first read the whole row back to decide between an UPDATE and an INSERT.
 *
 * <p>Within {@link #redeeming} (a code exchange or a refresh) a save spends the presented code or refresh token:
 * its UPDATE holds only while the row still has what the request read (the code not yet exchanged, the refresh
 * token not yet rotated), so of two requests with one grant exactly one gets tokens; the other gets
 * {@link AlreadySpent}, and a revoked authorization never gets usable tokens back.
 *
 * <p>A client-credentials access token has no row: it is read from itself and revoked by its id
 * ({@link SelfContainedAccessTokens}, decision 0054).
 *
 * <p>The statements name the columns in the order of Spring's parameters mapper, which produces the values.
 */
final class Authorizations extends JdbcOAuth2AuthorizationService {

    /** The code or refresh token that a token request presents, which its save must find unspent. */
    record Grant(OAuth2TokenType type, String value) {}

    /** The grant was spent (or its authorization revoked) after this request read it: invalid_grant. */
    static final class AlreadySpent extends OAuth2AuthenticationException {

        private static final long serialVersionUID = 1L;

        private final String authorizationId;

        AlreadySpent(String authorizationId) {
            super(new OAuth2Error(OAuth2ErrorCodes.INVALID_GRANT, "The grant was already used", null));
            this.authorizationId = authorizationId;
        }

        String authorizationId() {
            return authorizationId;
        }
    }

    private static final OAuth2TokenType CODE = new OAuth2TokenType(OAuth2ParameterNames.CODE);

    private static final String COLUMNS_AFTER_ID = """
            registered_client_id, principal_name, authorization_grant_type, authorized_scopes, attributes, state,
            authorization_code_value, authorization_code_issued_at, authorization_code_expires_at, authorization_code_metadata,
            access_token_value, access_token_issued_at, access_token_expires_at, access_token_metadata, access_token_type,
            access_token_scopes,
            oidc_id_token_value, oidc_id_token_issued_at, oidc_id_token_expires_at, oidc_id_token_metadata,
            refresh_token_value, refresh_token_issued_at, refresh_token_expires_at, refresh_token_metadata,
            user_code_value, user_code_issued_at, user_code_expires_at, user_code_metadata,
            device_code_value, device_code_issued_at, device_code_expires_at, device_code_metadata""";

    private static final String INSERT = "INSERT INTO oauth2_authorization (id, " + COLUMNS_AFTER_ID + ") VALUES ("
            + "?, ".repeat(32) + "?)";

    private static final String UPDATE = "UPDATE oauth2_authorization SET "
            + String.join(" = ?, ", COLUMNS_AFTER_ID.replace("\n", " ").split(",\\s*")) + " = ? WHERE id = ?";

    /**
     * A save outside a token request, the row new or not, in one statement (decision 0062): PostgreSQL's
     * {@code INSERT ... ON CONFLICT}, H2's {@code MERGE ... KEY}. The values are the INSERT's, id first.
     */
    private static final String UPSERT_POSTGRESQL = INSERT + " ON CONFLICT (id) DO UPDATE SET "
            + String.join(", ", Arrays.stream(COLUMNS_AFTER_ID.replace("\n", " ").split(",\\s*"))
                    .map(column -> column + " = EXCLUDED." + column).toList());

    private static final String MERGE_H2 = "MERGE INTO oauth2_authorization (id, " + COLUMNS_AFTER_ID + ") KEY (id) VALUES ("
            + "?, ".repeat(32) + "?)";

    /** A code is exchanged once: its row has no access token until then. */
    private static final String UPDATE_EXCHANGING_CODE = UPDATE
            + " AND authorization_code_value = ? AND access_token_value IS NULL";

    /** A refresh token is used while it is still the row's (rotation replaces it, revocation clears it). */
    private static final String UPDATE_REFRESHING = UPDATE + " AND refresh_token_value = ?";

    /**
     * A code's authorization. The exchange's check that the session that made the code is still signed in (decision
     * 0057) is a statement of its own after it, which finds that one session by its {@code sid} (decision 0072): read
     * with the code, the account's every live session was read and hashed (decision 0062), work that grew with them.
     */
    private static final String BY_CODE = "SELECT id, " + COLUMNS_AFTER_ID.replace("\n", " ")
            + " FROM oauth2_authorization WHERE authorization_code_value = ?";

    private static final ThreadLocal<Grant> REDEEMING = new ThreadLocal<>();

    /** The request attribute with the authorization this request read by a code, for the one read after it. */
    private static final String READ_BY_CODE = Authorizations.class.getName() + ".read-by-code";

    private record ReadByCode(String code, OAuth2Authorization authorization) {}

    /**
     * The attribute of a code's authorization with the {@code sid} of the browser session that made it: the code is
     * exchanged only while that session is signed in, and its ID token names that session.
     */
    static final String BROWSER_SESSION = "se.portvakt.browser-session";

    private final SpentRefreshTokens spent;
    private final SelfContainedAccessTokens selfContained;
    private final TransactionOperations transactions;
    private final BrowserSessions sessions;
    private final String upsert;

    Authorizations(JdbcOperations jdbc, RegisteredClientRepository clients, SpentRefreshTokens spent,
            SelfContainedAccessTokens selfContained, TransactionOperations transactions, BrowserSessions sessions,
            String databaseUrl) {
        super(jdbc, clients);
        boolean postgresql = databaseUrl.startsWith("jdbc:postgresql:");
        this.upsert = postgresql ? UPSERT_POSTGRESQL : MERGE_H2;
        this.spent = spent;
        this.selfContained = selfContained;
        this.transactions = transactions;
        this.sessions = sessions;
        setAuthorizationRowMapper(new AuthorizationRows(clients));
    }

    /**
     * Runs a code exchange or refresh (Spring's provider) with its save spending {@code grant} once; a code exchange
     * in one transaction.
     */
    <T> T redeeming(Grant grant, Supplier<T> exchange) {
        REDEEMING.set(grant);
        try {
            return CODE.equals(grant.type()) ? inOneTransaction(exchange) : exchange.get();
        } finally {
            REDEEMING.remove();
        }
    }

    /** What a code exchange came to: the tokens, or Spring's refusal. */
    private record Exchanged<T>(T tokens, OAuth2AuthenticationException refused) {}

    /**
     * A code exchange in one transaction (decision 0055): the account's read for the claims and the conditional
     * UPDATE that spends the code commit together (with the code's read, decision 0062, and its session's, decision
     * 0072), where each was a commit of its own. Nothing in it is slow or catches a failed statement. The UPDATE is its
     * last statement, so the row is locked only until the commit; a second request with the same code waits for that
     * there and then updates nothing: the code is still spent exactly once. A refusal is committed before it is thrown:
     * Spring's provider saves the authorization of a code that came back with its tokens invalidated, and then refuses.
     * The transaction is the one begun at the client's PKCE check's read of the code, when there is one
     * ({@link CodeExchangeTransaction}, decision 0062), and is committed here either way, before the response is written.
     */
    private <T> T inOneTransaction(Supplier<T> exchange) {
        Supplier<Exchanged<T>> refusalsReturned = () -> {
            try {
                return new Exchanged<>(exchange.get(), null);
            } catch (OAuth2AuthenticationException refused) {
                return new Exchanged<>(null, refused);
            }
        };
        // The transaction begun at the client's PKCE check (decision 0062), else one of its own.
        Exchanged<T> exchanged = CodeExchangeTransaction.exchange(refusalsReturned,
                () -> transactions.execute(status -> refusalsReturned.get()));
        if (exchanged.refused() != null) {
            throw exchanged.refused();
        }
        return exchanged.tokens();
    }

    /**
     * Ends the authorization's code, access token and refresh token (their values go, so no look-up finds them and
     * no conditional save matches); the ID token stays, so that the application can still end the session with it
     * as {@code id_token_hint}. The account, or empty when there was nothing left to end.
     */
    Optional<String> revoke(String authorizationId) {
        List<String> account = getJdbcOperations().queryForList(
                "SELECT principal_name FROM oauth2_authorization WHERE id = ?", String.class, authorizationId);
        int revoked = getJdbcOperations().update("""
                UPDATE oauth2_authorization
                SET authorization_code_value = NULL, access_token_value = NULL, refresh_token_value = NULL
                WHERE id = ?
                AND (authorization_code_value IS NOT NULL OR access_token_value IS NOT NULL OR refresh_token_value IS NOT NULL)
                """, authorizationId);
        return revoked == 0 || account.isEmpty() ? Optional.empty() : Optional.of(account.get(0));
    }

    /**
     * A token request reads its code's authorization twice: the client's authentication checks the PKCE verifier
     * against it, then the exchange reads it again. The second read, in the same request and for the same code, gets
     * the first one's row (once). Safe because nothing is decided by that read: the code is spent by the exchange's
     * conditional UPDATE, which holds only while the row still has the code unexchanged (decision 0048).
     *
     * <p>The exchange does not find a code made in a browser session that has ended since (the person signed out, or
     * their sessions were ended): the token request gets invalid_grant, as for a code never issued (decision 0057).
     * Checked at the exchange's read, by the one session with the code's {@code sid} (decision 0072).
     *
     * <p>The first read of a code in a code exchange (the client's PKCE check) begins the exchange's transaction
     * ({@link CodeExchangeTransaction}, decision 0062), so that the request's reads and the UPDATE commit once: the
     * session is read inside it. Only when the client's
     * secret check counted an attempt is that read a statement on its own, just before the exchange's transaction.
     */
    @Override
    public OAuth2Authorization findByToken(String token, OAuth2TokenType tokenType) {
        if (tokenType == null || OAuth2TokenType.ACCESS_TOKEN.equals(tokenType)) {
            SelfContainedAccessTokens.Read read = selfContained.read(token);
            if (read.applies()) {
                return read.authorization();
            }
        }
        if (!CODE.equals(tokenType) || token == null) {
            return super.findByToken(token, tokenType);
        }
        OAuth2Authorization found = readOnce(token);
        if (found != null && REDEEMING.get() != null && found.getAttribute(BROWSER_SESSION) instanceof String sid
                && !sessions.madeTheCode(found.getPrincipalName(), sid)) {
            return null;
        }
        return found;
    }

    private OAuth2Authorization readOnce(String code) {
        RequestAttributes request = RequestContextHolder.getRequestAttributes();
        if (request == null) {
            return byCode(code);
        }
        if (request.getAttribute(READ_BY_CODE, RequestAttributes.SCOPE_REQUEST) instanceof ReadByCode read
                && read.code().equals(code)) {
            request.removeAttribute(READ_BY_CODE, RequestAttributes.SCOPE_REQUEST);
            return read.authorization();
        }
        if (REDEEMING.get() == null) {
            CodeExchangeTransaction.beginAtTheCodesRead();
        }
        OAuth2Authorization found = byCode(code);
        if (found != null) {
            request.setAttribute(READ_BY_CODE, new ReadByCode(code, found), RequestAttributes.SCOPE_REQUEST);
        }
        return found;
    }

    /** The code's authorization (as Spring's read by code, first row), or null. */
    private OAuth2Authorization byCode(String code) {
        List<OAuth2Authorization> found = getJdbcOperations().query(BY_CODE, getAuthorizationRowMapper(), code);
        return found.isEmpty() ? null : found.get(0);
    }

    @Override
    public void save(OAuth2Authorization toSave) {
        if (SelfContainedAccessTokens.isSelfContained(toSave)) {
            // Issued: nothing to store. Revoked (the only other save of one): its id on the deny-list.
            if (toSave.getAccessToken().isInvalidated()) {
                selfContained.revoke(toSave);
            }
            return;
        }
        Grant grant = REDEEMING.get();
        OAuth2Authorization authorization = grant == null ? withItsBrowserSession(toSave) : toSave;
        List<SqlParameterValue> values = getAuthorizationParametersMapper().apply(authorization);
        if (values.size() != 33) {
            throw new IllegalStateException("Spring's parameters mapper gave " + values.size() + " values, not 33");
        }
        List<Object> idLast = new ArrayList<>(values.subList(1, values.size()));
        idLast.add(values.get(0));
        if (grant == null) {
            // One statement, new row or not: a new authorization (each code flow's) was an UPDATE that found nothing
            // and then the INSERT, in a transaction of their own (decisions 0045 and 0062). Like those two, it saves
            // the authorization whether or not its row is still there.
            getJdbcOperations().update(upsert, new ArgumentPreparedStatementSetter(values.toArray()));
            return;
        }
        if (!Boolean.TRUE.equals(transactions.execute(status -> spend(grant, authorization, idLast)))) {
            throw new AlreadySpent(authorization.getId());
        }
    }

    /**
     * A new code's authorization, with the browser session of the request that made it ({@link #BROWSER_SESSION}).
     * Kept as its {@code sid} (a hash), not its id: the session id signs the browser in.
     */
    private static OAuth2Authorization withItsBrowserSession(OAuth2Authorization authorization) {
        if (authorization.getAttribute(BROWSER_SESSION) != null
                || authorization.getToken(OAuth2AuthorizationCode.class) == null
                || authorization.getAccessToken() != null) {
            return authorization;
        }
        String sessionId = BrowserSessions.ofThisRequest();
        return sessionId == null ? authorization
                : OAuth2Authorization.from(authorization).attribute(BROWSER_SESSION, AccountSessions.sid(sessionId)).build();
    }

    /**
     * Saves the authorization only if the row still holds the grant unspent, and remembers a rotated-away refresh
     * token; never inserts: the row was read by this request, so a missing one was deleted since (a password
     * change ends the account's authorizations).
     */
    private boolean spend(Grant grant, OAuth2Authorization authorization, List<Object> idLast) {
        String statement = UPDATE;
        List<Object> arguments = new ArrayList<>(idLast);
        if (CODE.equals(grant.type()) && exchangesCode(authorization)) {
            statement = UPDATE_EXCHANGING_CODE;
            arguments.add(grant.value());
        } else if (OAuth2TokenType.REFRESH_TOKEN.equals(grant.type())) {
            statement = UPDATE_REFRESHING;
            arguments.add(grant.value());
        }
        if (update(statement, arguments) == 0) {
            return false;
        }
        OAuth2Authorization.Token<OAuth2RefreshToken> refreshToken = authorization.getRefreshToken();
        if (OAuth2TokenType.REFRESH_TOKEN.equals(grant.type()) && refreshToken != null
                && !refreshToken.getToken().getTokenValue().equals(grant.value())) {
            Instant familyExpiresAt = refreshToken.getToken().getExpiresAt();
            spent.spent(grant.value(), authorization.getId(),
                    familyExpiresAt != null ? familyExpiresAt : Instant.now().plus(Duration.ofDays(365)));
        }
        return true;
    }

    /** The save that gives the code's tokens (Spring also saves to invalidate them when the code comes back). */
    private static boolean exchangesCode(OAuth2Authorization authorization) {
        OAuth2Authorization.Token<OAuth2AccessToken> accessToken = authorization.getAccessToken();
        return accessToken != null && !accessToken.isInvalidated();
    }

    private int update(String statement, List<Object> arguments) {
        return getJdbcOperations().update(statement, new ArgumentPreparedStatementSetter(arguments.toArray()));
    }
}
