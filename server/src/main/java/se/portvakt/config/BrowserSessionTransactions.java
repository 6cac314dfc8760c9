package se.portvakt.config;

import java.util.function.Supplier;

import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.TransactionException;
import org.springframework.transaction.support.TransactionCallback;
import org.springframework.transaction.support.TransactionOperations;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Spring Session's transactions (given to its JDBC repository by {@link BrowserSessionConfig}): each
 * read, save or deletion in a transaction of its own, as Spring Session's default does ({@code REQUIRES_NEW}, never
 * joined to the application's), except inside {@link #together}, where they share one, and inside {@link #within},
 * or while a request {@link #joinsOpen joins} and has a transaction open, where they join the caller's. At sign-in the
 * old session's deletion and the new session's save commit together (decision 0060), with the sign-in step's own
 * writes (decision 0066); a sign-in step's request reads its session in the step's transaction.
 */
final class BrowserSessionTransactions implements TransactionOperations {

    private final TransactionTemplate own;
    private final TransactionTemplate joined;
    private final ThreadLocal<Boolean> inTogether = new ThreadLocal<>();
    private final ThreadLocal<Boolean> joinsOpen = new ThreadLocal<>();

    BrowserSessionTransactions(PlatformTransactionManager manager) {
        this.own = new TransactionTemplate(manager);
        own.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        this.joined = new TransactionTemplate(manager);
        joined.setPropagationBehavior(TransactionDefinition.PROPAGATION_MANDATORY);
    }

    @Override
    public <T> T execute(TransactionCallback<T> action) throws TransactionException {
        return (inTogether.get() != null || joinsOpenOne() ? joined : own).execute(action);
    }

    /**
     * From now until {@code close}, on this thread, a read, save or deletion joins the transaction open at the time, if
     * any; with none open it has one of its own, as before. Returns what ends it.
     */
    Runnable joinsOpen() {
        joinsOpen.set(Boolean.TRUE);
        return joinsOpen::remove;
    }

    private boolean joinsOpenOne() {
        return joinsOpen.get() != null && TransactionSynchronizationManager.isActualTransactionActive();
    }

    /**
     * Runs {@code work}, every session statement in it, in the transaction the caller has open (which must exist):
     * they commit or roll back with the caller's own writes.
     */
    <T> T within(Supplier<T> work) {
        if (inTogether.get() != null) {
            return work.get();
        }
        inTogether.set(Boolean.TRUE);
        try {
            return joined.execute(status -> work.get());
        } finally {
            inTogether.remove();
        }
    }

    /** Runs {@code work}, every session statement in it, in one transaction of its own. */
    <T> T together(Supplier<T> work) {
        if (inTogether.get() != null || joinsOpenOne()) {
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
