package se.portvakt.signin;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.security.web.util.OnCommittedResponseWrapper;
import org.springframework.web.filter.OncePerRequestFilter;

import se.portvakt.config.BrowserSessionSave;
import se.portvakt.signin.flow.SignInStep;

/**
 * A sign-in step's page costs one transaction (decision 0066): for a browser with a session, the step's transaction is
 * opened when its request arrives, before the filters in front of the step (the CSRF check, the locale) read the
 * session, and the session's read joins it instead of being a transaction of its own. The step commits it as before
 * ({@link StepTransactions#run}), together with the session's save. Only for the pages of steps that run in one
 * transaction, and the application's authorization request at the journey's end (the signed-in session's read and
 * the code's authorization, saved by one statement, decision 0062, commit together); a browser without a session
 * gets no transaction here.
 *
 * <p>A request answered before a step took its transaction over (the authorization request's redirect with the code,
 * or a form refused for want of its CSRF token) commits it before the answer is sent, so that the browser's next
 * request, on any node, sees what this one wrote.
 */
final class TransactionOnArrival extends OncePerRequestFilter {

    /** The authorization endpoint and the pages of the steps that run in one transaction. */
    private final Set<String> paths;
    private final StepTransactions transactions;
    private final BrowserSessionSave sessions;
    private final String sessionCookie;

    TransactionOnArrival(String authorizationEndpoint, List<SignInStep> handlers, StepTransactions transactions,
            BrowserSessionSave sessions, String sessionCookie) {
        this.paths = Stream.concat(Stream.of(authorizationEndpoint),
                handlers.stream().filter(SignInStep::inOneTransaction).map(handler -> handler.step().url()))
                .collect(Collectors.toUnmodifiableSet());
        this.transactions = transactions;
        this.sessions = sessions;
        this.sessionCookie = sessionCookie;
    }

    /**
     * Not for a request without the session cookie (the servlet's {@code getRequestedSessionId} would read the session
     * to answer), another method, or a page that is neither the authorization endpoint nor a step's in one transaction.
     */
    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        if (!("GET".equals(request.getMethod()) || "POST".equals(request.getMethod())) || request.getCookies() == null
                || Arrays.stream(request.getCookies()).noneMatch(cookie -> sessionCookie.equals(cookie.getName()))) {
            return true;
        }
        return !paths.contains(request.getRequestURI().substring(request.getContextPath().length()));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        transactions.openOnArrival(request);
        HttpServletResponse committingFirst = new OnCommittedResponseWrapper(response) {
            @Override
            protected void onResponseCommitted() {
                transactions.endOnArrival(request, null);
            }
        };
        Throwable failure = null;
        Runnable endJoining = sessions.joinOpenTransactions();
        try {
            chain.doFilter(request, committingFirst);
        } catch (IOException | ServletException | RuntimeException | Error e) {
            failure = e;
            throw e;
        } finally {
            try {
                transactions.endOnArrival(request, failure);
            } finally {
                endJoining.run();
            }
        }
    }
}
