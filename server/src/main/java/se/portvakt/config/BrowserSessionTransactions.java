package se.portvakt.config;

import java.util.function.Supplier;

import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.TransactionException;
import org.springframework.transaction.support.TransactionCallback;
import org.springframework.transaction.support.TransactionOperations;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Spring Session's transactions (given to its JDBC repository by {@link BrowserSessionConfig}): each
 * read, save or deletion in a transaction of its own, as Spring Session's default does ({@code REQUIRES_NEW}, never
 * joined to the application's), except inside {@link #together}, where they share one. At sign-in the old session's
 * deletion and the new session's save commit together (decision 0060).
 */
final class BrowserSessionTransactions implements TransactionOperations {

    private final TransactionTemplate own;
    private final TransactionTemplate joined;
    private final ThreadLocal<Boolean> inTogether = new ThreadLocal<>();

    BrowserSessionTransactions(PlatformTransactionManager manager) {
        this.own = new TransactionTemplate(manager);
        own.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        this.joined = new TransactionTemplate(manager);
        joined.setPropagationBehavior(TransactionDefinition.PROPAGATION_MANDATORY);
    }

    @Override
    public <T> T execute(TransactionCallback<T> action) throws TransactionException {
        return (inTogether.get() != null ? joined : own).execute(action);
    }

    /** Runs {@code work}, every session statement in it, in one transaction of its own. */
    <T> T together(Supplier<T> work) {
        if (inTogether.get() != null) {
            return work.get();
        }
        return own.execute(status -> {
            inTogether.set(Boolean.TRUE);
            try {
                return work.get();
            } finally {
                inTogether.remove();
            }
        });
    }
}
