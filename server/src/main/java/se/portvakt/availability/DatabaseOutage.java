package se.portvakt.availability;

import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.transaction.TransactionSystemException;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Turns a request that failed because the database cannot be reached into a calm 503 (see {@link Unavailable}),
 * instead of an error page with status 500 or, from the protocol endpoints, whatever Spring's filters make of an
 * exception they do not expect. It runs outside the HTTP session's filter, whose session lives in the database
 * too. One line is logged per such request, without a stack trace: the cause is outside Portvakt. When the database
 * is back, the connection pool makes new connections on demand, so the node recovers without a restart.
 */
final class DatabaseOutage extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(DatabaseOutage.class);
    private static final Duration RETRY_AFTER = Duration.ofSeconds(5);

    private final Unavailable unavailable;

    DatabaseOutage(Unavailable unavailable) {
        this.unavailable = unavailable;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        try {
            chain.doFilter(request, response);
        } catch (ServletException | IOException | RuntimeException failure) {
            Throwable cause = outageIn(failure);
            if (cause == null) {
                throw failure;
            }
            if (response.isCommitted()) {
                if (!isRedirect(response)) {
                    throw failure;
                }
                // A redirect is decided, and the browser session saved, before the response is marked committed
                // (Spring Session saves when sendRedirect is called); what failed is a later write at the request's
                // end. The redirect stands: turned into an error by Tomcat, it would be a 500 for work that was done.
                log.warn("The database cannot be reached: {} {} after its answer was decided; the redirect stands ({})",
                        request.getMethod(), request.getRequestURI(), cause.toString());
                return;
            }
            log.warn("The database cannot be reached: {} {} answered 503 ({})", request.getMethod(),
                    request.getRequestURI(), cause.toString());
            response.reset();
            unavailable.answer(request, response, RETRY_AFTER);
        }
    }

    private static boolean isRedirect(HttpServletResponse response) {
        return response.getStatus() >= 300 && response.getStatus() < 400 && response.getHeader("Location") != null;
    }

    /**
     * The exception in the chain of causes that says the database cannot be reached (no connection within the
     * pool's timeout, a connection that broke, a server that is shutting down or starting), or null. When the
     * rollback after such a failure fails too (the connection is closed by then), Spring throws the rollback's
     * exception and keeps the first as its application exception: that one is looked at as well
     * (scripts/cluster-faults.sh found it with PostgreSQL stopped under load).
     */
    static Throwable outageIn(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof TransactionSystemException rollback && rollback.getApplicationException() != null
                    && rollback.getApplicationException() != failure) {
                Throwable first = outageIn(rollback.getApplicationException());
                if (first != null) {
                    return first;
                }
            }
            if (t instanceof DataAccessResourceFailureException || t instanceof SQLTransientConnectionException
                    || t instanceof SQLNonTransientConnectionException || t instanceof SQLRecoverableException) {
                return t;
            }
            // A commit that got no answer (decision 0071) fails with class 08, and the pool closes the broken
            // connection; Spring then rolls back on that closed connection, throws the rollback's failure (Hikari's
            // "Connection is closed", which has no SQLSTATE) and only logs the commit's: no application exception.
            // scripts/cluster-faults.sh found it with PostgreSQL's processes stopped under load. A rollback that
            // failed after an application exception is judged by that exception (above), so a bug stays a bug.
            if (t instanceof TransactionSystemException rollback && rollback.getApplicationException() == null
                    && t.getCause() instanceof SQLException closed && closed.getSQLState() == null) {
                return t;
            }
            // Connection exceptions (class 08) and "the server is shutting down or starting" (57P01-57P03).
            if (t instanceof SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("57P"))) {
                return t;
            }
        }
        return null;
    }
}
