package se.portvakt.signin;

import java.util.function.Supplier;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.TransactionStatus;
import org.springframework.transaction.TransactionSystemException;

import se.portvakt.config.BrowserSessionSave;
import se.portvakt.signin.flow.StepContext;

/**
 * One database transaction per sign-in step (decision 0048): the flow's read, the step's own reads and writes (the
 * account, its factors, attempt counts, audit rows, the known browser) and the flow's update or deletion commit
 * together, where each statement was a commit of its own. Work that must hold no pooled connection (a password hash, a
 * call to another service) runs between two transactions, by {@link StepContext#outsideTransaction}: what the step
 * wrote before it is committed first, which is also what makes an attempt counted before its check count for every
 * other request at once (decisions 0003 and 0013). The request's browser session, made or changed by the step, is
 * saved in the last transaction (decision 0066): a session is never made for a step whose writes rolled back, and the
 * sign-in's session costs no transaction of its own.
 */
@Component
class StepTransactions {

    /** The request attribute with the step's open transaction, for {@link StepContext#outsideTransaction}. */
    static final String OPEN = StepContext.TRANSACTION;

    private final PlatformTransactionManager manager;
    private final BrowserSessionSave sessions;

    StepTransactions(PlatformTransactionManager manager, BrowserSessionSave sessions) {
        this.manager = manager;
        this.sessions = sessions;
    }

    /**
     * Runs the step's handling in one transaction (or, where it steps outside, two), committed when it returns: the one
     * {@link #openOnArrival} opened for its request, else a new one.
     */
    <T> T run(HttpServletRequest request, Supplier<T> step) {
        Open open = request.getAttribute(OPEN) instanceof Open onArrival ? onArrival : null;
        if (open == null) {
            // Spring Session reads the session in a transaction of its own (REQUIRES_NEW, on a second connection): read
            // before this one begins, so that a step never waits for a second connection while it holds one.
            request.getSession(false);
            open = new Open(manager);
            request.setAttribute(OPEN, open);
        }
        try {
            T result = step.get();
            sessions.withinOpenTransaction(request);
            open.commit();
            return result;
        } catch (RuntimeException | Error failure) {
            open.rollbackAfter(failure);
            throw failure;
        } finally {
            request.removeAttribute(OPEN);
        }
    }

    /**
     * Opens the step's transaction as its request arrives, before the filters in front of the step read the browser's
     * session (which then joins it: {@link TransactionOnArrival}, decision 0066); {@link #run} takes it over.
     */
    void openOnArrival(HttpServletRequest request) {
        request.setAttribute(OPEN, new Open(manager));
    }

    /**
     * Ends the transaction {@link #openOnArrival} opened when no step took it over (the request was refused in front of
     * the step, or answered before it): commits the session's reads and whatever was written, or rolls back after
     * {@code failure}. Nothing when the step ran.
     */
    void endOnArrival(HttpServletRequest request, Throwable failure) {
        if (request.getAttribute(OPEN) instanceof Open open) {
            request.removeAttribute(OPEN);
            if (failure == null) {
                open.commitIfOpen();
            } else {
                open.rollbackAfter(failure);
            }
        }
    }

    /** A step's transaction: open, or closed while the step works outside it. */
    static final class Open implements StepContext.Transaction {

        private final PlatformTransactionManager manager;
        private TransactionStatus status;

        private Open(PlatformTransactionManager manager) {
            this.manager = manager;
            this.status = manager.getTransaction(TransactionDefinition.withDefaults());
        }

        @Override
        public <T> T outside(Supplier<T> work) {
            commit();
            T result = work.get();
            status = manager.getTransaction(TransactionDefinition.withDefaults());
            return result;
        }

        private void commit() {
            TransactionStatus committing = status;
            status = null;
            manager.commit(committing);
        }

        private void commitIfOpen() {
            if (status != null && !status.isCompleted()) {
                commit();
            }
        }

        /**
         * Rolls back what is open after {@code failure}. When the rollback fails too (the connection broke: the database
         * went away), its exception keeps the first as its application exception, as Spring's TransactionTemplate does,
         * so that the outage filter still finds the cause and answers a calm 503.
         */
        private void rollbackAfter(Throwable failure) {
            if (status == null || status.isCompleted()) {
                return;
            }
            TransactionStatus open = status;
            status = null;
            try {
                manager.rollback(open);
            } catch (TransactionSystemException rollbackFailed) {
                rollbackFailed.initApplicationException(failure);
                throw rollbackFailed;
            }
        }
    }
}
