package se.portvakt.oidc;

import java.io.IOException;
import java.util.function.Supplier;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpMethod;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.TransactionStatus;
import org.springframework.transaction.TransactionSystemException;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The one transaction of a code exchange at the token endpoint (decision 0062): it begins at the first read of the
 * code, the client's PKCE check, and ends with the exchange's conditional UPDATE, where the PKCE check's read was a
 * transaction of its own before the exchange's.
 *
 * <p>Begun there, not when the request arrives: the client's secret check before it may hash (Argon2id) and count
 * attempts, which must hold no pooled connection and no counter row. When that check counted an attempt
 * ({@link ClientSecretAttempts}), whose give-back comes after the PKCE check, the read stays a statement of its own and
 * the exchange has its own transaction, as before: a counter row is held for one statement (decision 0048).
 *
 * <p>This filter, in front of the client's authentication, is what allows a transaction to be begun: it ends whatever
 * the request left open (a client or PKCE check refused after the read, a request refused before the exchange),
 * committed, or rolled back after a failure. The exchange commits it itself, before the response is written
 * ({@link Authorizations#redeeming}), so that an application never holds tokens whose row is not yet committed.
 */
final class CodeExchangeTransaction extends OncePerRequestFilter {

    private static final String ATTRIBUTE = CodeExchangeTransaction.class.getName();

    private static final RequestMatcher TOKEN_REQUEST = PathPatternRequestMatcher.withDefaults()
            .matcher(HttpMethod.POST, AuthorizationServerConfig.TOKEN_ENDPOINT);

    private final PlatformTransactionManager manager;

    CodeExchangeTransaction(PlatformTransactionManager manager) {
        this.manager = manager;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !TOKEN_REQUEST.matches(request) || !AuthorizationGrantType.AUTHORIZATION_CODE.getValue()
                .equals(request.getParameter(OAuth2ParameterNames.GRANT_TYPE));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Scope scope = new Scope(manager);
        request.setAttribute(ATTRIBUTE, scope);
        try {
            chain.doFilter(request, response);
        } catch (IOException | ServletException | RuntimeException | Error failure) {
            scope.rollbackAfter(failure);
            throw failure;
        } finally {
            request.removeAttribute(ATTRIBUTE);
        }
        scope.commit();
    }

    /** Begins the exchange's transaction at this read of the code, if this is a code exchange and none is open. */
    static void beginAtTheCodesRead() {
        Scope scope = scope();
        if (scope != null) {
            scope.begin();
        }
    }

    /** The client's secret check counted an attempt: this exchange's statements before its own stay on their own. */
    static void keepTheChecksOutside() {
        Scope scope = scope();
        if (scope != null) {
            scope.outside = true;
        }
    }

    /**
     * Runs the exchange in the transaction begun at the code's read, and commits it; or, when none was begun, in
     * {@code own} (a transaction of its own).
     */
    static <T> T exchange(Supplier<T> exchange, Supplier<T> own) {
        Scope scope = scope();
        if (scope == null || scope.status == null) {
            return own.get();
        }
        T result;
        try {
            result = exchange.get();
        } catch (RuntimeException | Error failure) {
            scope.rollbackAfter(failure);
            throw failure;
        }
        scope.commit();
        return result;
    }

    private static Scope scope() {
        RequestAttributes request = RequestContextHolder.getRequestAttributes();
        return request != null && request.getAttribute(ATTRIBUTE, RequestAttributes.SCOPE_REQUEST) instanceof Scope scope
                ? scope : null;
    }

    /** A code exchange's request: its transaction, once begun, until committed or rolled back. */
    private static final class Scope {

        private final PlatformTransactionManager manager;
        private TransactionStatus status;
        private boolean begun;
        private boolean outside;

        private Scope(PlatformTransactionManager manager) {
            this.manager = manager;
        }

        /** Once per request: a second read of the code after the commit runs on its own. */
        private void begin() {
            if (!begun && !outside) {
                begun = true;
                status = manager.getTransaction(TransactionDefinition.withDefaults());
            }
        }

        private void commit() {
            if (status == null) {
                return;
            }
            TransactionStatus committing = status;
            status = null;
            manager.commit(committing);
        }

        /**
         * Rolls back what is open after {@code failure}; when the rollback fails too (the database went away), its
         * exception keeps the first as its application exception, as Spring's TransactionTemplate does.
         */
        private void rollbackAfter(Throwable failure) {
            if (status == null) {
                return;
            }
            TransactionStatus open = status;
            status = null;
            if (open.isCompleted()) {
                return;
            }
            try {
                manager.rollback(open);
            } catch (TransactionSystemException rollbackFailed) {
                rollbackFailed.initApplicationException(failure);
                throw rollbackFailed;
            }
        }
    }
}
