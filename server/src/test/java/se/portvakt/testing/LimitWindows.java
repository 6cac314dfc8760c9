package se.portvakt.testing;

import java.time.Duration;

/**
 * Limits keep their counts per fixed window and weigh the previous window's count by the part of it still inside
 * the sliding window: a test that counts exactly wants its attempts in one window, not weighed across an edge,
 * so it waits for the next one when too little of this one is left.
 */
public final class LimitWindows {

    private LimitWindows() {}

    /** Returns when at least {@code needed} of the current window of length {@code window} is left. */
    public static void awayFromTheEnd(Duration window, Duration needed) {
        long windowMillis = window.toMillis();
        long left = windowMillis - System.currentTimeMillis() % windowMillis;
        if (left < needed.toMillis()) {
            try {
                Thread.sleep(left + 100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
