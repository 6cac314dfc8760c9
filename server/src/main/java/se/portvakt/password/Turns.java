package se.portvakt.password;

import java.util.concurrent.Semaphore;
import java.util.function.Supplier;

/**
 * Turns for memory-hard computations: at most a fixed number run at once, the others wait, first come, first
 * served.
 *
 * <p>Each Argon2id check holds its memory cost (19 MiB with the OWASP setting) for its whole run. Without
 * turns, a burst of sign-ins, or an attacker sending many passwords at once, would hold one block per
 * request thread (200 by default: nearly 4 GiB) while the processors work on a few of them anyway; with one
 * turn per processor the memory is a few blocks whatever arrives, and a burst takes as long as before (the
 * work is processor-bound).
 */
final class Turns {

    private final Semaphore free;

    Turns(int count) {
        this.free = new Semaphore(count, true);
    }

    static Turns perProcessor() {
        return new Turns(Runtime.getRuntime().availableProcessors());
    }

    /** Runs the computation in a turn, waiting for one when all are taken. */
    <T> T take(Supplier<T> computation) {
        free.acquireUninterruptibly();
        try {
            return computation.get();
        } finally {
            free.release();
        }
    }
}
