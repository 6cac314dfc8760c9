package se.portvakt.signin.flow;

import java.util.Locale;
import java.util.function.Supplier;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.web.servlet.support.RequestContextUtils;

/** The HTTP exchange a step runs in: for cookies, and the client's address for limits and the audit log. */
public record StepContext(HttpServletRequest request, HttpServletResponse response) {

    /** The request attribute that holds the step's open {@link Transaction}, while the controller runs the step. */
    public static final String TRANSACTION = "portvakt.signin.step-transaction";

    /** A step's open transaction (decision 0048), kept by the sign-in's controller. */
    public interface Transaction {

        /** Commits what the step wrote so far, runs {@code work} with no transaction, then opens the next one. */
        <T> T outside(Supplier<T> work);
    }

    /**
     * Runs work that must hold no pooled connection (a password hash, a call to an SMS gateway or a push service)
     * outside the step's transaction: what the step wrote before it is committed first, and the rest of the step runs
     * in a new transaction (decision 0048). Outside a step's transaction it just runs the work.
     */
    public <T> T outsideTransaction(Supplier<T> work) {
        return request.getAttribute(TRANSACTION) instanceof Transaction open ? open.outside(work) : work.get();
    }

    /**
     * Runs {@code work} as the last statement of the step's transaction, just before it commits (outside one, now): a
     * write to a row that every request from one office shares (the password's counts) then holds its lock for one
     * statement and the commit, not for the rest of the step. When the transaction rolls back, the work is not done.
     */
    public void atCommit(Runnable work) {
        if (!TransactionSynchronizationManager.isActualTransactionActive()) {
            work.run();
            return;
        }
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void beforeCommit(boolean readOnly) {
                work.run();
            }
        });
    }

    public String address() {
        return request.getRemoteAddr();
    }

    /** The language of the pages, for texts sent by mail or SMS. */
    public Locale locale() {
        return RequestContextUtils.getLocale(request);
    }
}
