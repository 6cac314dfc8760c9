package se.portvakt.ratelimit;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import se.portvakt.ratelimit.AttemptLimiter.Limit;

/**
 * The sliding window of a limit that ends at {@code now}: it covers the end of the previous fixed window (the part
 * {@code weight} of it) and the start of the current one. Its count is estimated as the current window's hits plus
 * {@code weight} times the previous window's, as if those were spread evenly over it.
 */
record Sliding(Limit limit, Instant now, OffsetDateTime current, OffsetDateTime previous, double weight) {

    static Sliding at(Limit limit, Instant now) {
        long windowMillis = limit.window().toMillis();
        long intoWindow = Math.floorMod(now.toEpochMilli(), windowMillis);
        Instant start = Instant.ofEpochMilli(now.toEpochMilli() - intoWindow);
        return new Sliding(limit, now, utc(start), utc(start.minusMillis(windowMillis)),
                1.0 - (double) intoWindow / windowMillis);
    }

    /** When no sliding window reaches this window's row any more: the end of the next window. */
    OffsetDateTime expires() {
        return current.plus(limit.window().multipliedBy(2));
    }

    /** Whether one more attempt may be counted: the estimate before it is under the limit. */
    boolean admits(Hits hits) {
        return estimate(hits, weight) < limit.max();
    }

    /**
     * How long until an attempt would be admitted, if none is counted meanwhile: while this window's own hits are
     * under the limit, until enough of the previous window has slid out; otherwise into the next window, until
     * enough of this one has.
     */
    Duration retryAfter(Hits hits) {
        long windowMillis = limit.window().toMillis();
        long intoWindow = Duration.between(current.toInstant(), now).toMillis();
        int max = limit.max();
        long at; // millis from this window's start when the estimate first falls under the limit
        if (max <= 0) {
            at = windowMillis;
        } else if (hits.current() < max && hits.previous() == 0) {
            at = intoWindow; // room already: given back since it was blocked
        } else if (hits.current() < max) {
            // hits.current + previous * (1 - t / window) < max, so t > window * (1 - (max - current) / previous)
            at = (long) Math.floor(windowMillis * (1.0 - (double) (max - hits.current()) / hits.previous())) + 1;
        } else {
            // In the next window this one is the previous: current * (1 - t / window) < max.
            at = windowMillis + (long) Math.floor(windowMillis * (1.0 - (double) max / hits.current())) + 1;
        }
        return Duration.ofMillis(Math.max(1, at - intoWindow));
    }

    private static double estimate(Hits hits, double weight) {
        return hits.current() + weight * hits.previous();
    }

    private static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    /** The hits counted in the current and the previous fixed window of a key. */
    record Hits(int current, int previous) {}
}
