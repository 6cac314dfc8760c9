package se.portvakt.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waiting in a test for what a server does in its own time (recovers, logs, starts), asking every quarter second. */
public final class Eventually {

    private Eventually() {
    }

    /** Whether {@code condition} held within 30 s. */
    public static boolean holds(BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }
}
