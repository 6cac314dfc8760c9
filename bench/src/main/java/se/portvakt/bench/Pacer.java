package se.portvakt.bench;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Open-loop pacing ({@code --rate}): operation k is due at {@code start + k / rate}, whatever the server's answers
 * take, and the first free virtual user takes it. An operation's latency counts from when it was due, so time spent
 * waiting for a free user (the server fell behind) is counted, not hidden (no coordinated omission).
 */
final class Pacer {

    /** An operation that starts this long after it was due counts as late. */
    static final long LATE_NANOS = 100_000_000L;

    private final long startNanos;
    private final long gapNanos;
    private final long measureFrom;
    private final AtomicLong next = new AtomicLong();
    private final AtomicLong late = new AtomicLong();
    private final AtomicLong maxLagNanos = new AtomicLong();

    Pacer(long startNanos, double perSecond, long measureFrom) {
        if (!(perSecond > 0)) {
            throw new IllegalArgumentException("--rate must be above 0, not " + perSecond);
        }
        this.startNanos = startNanos;
        this.gapNanos = Math.max(1, Math.round(1e9 / perSecond));
        this.measureFrom = measureFrom;
    }

    /**
     * Takes the next operation and sleeps until it is due.
     *
     * @return when it was due (System.nanoTime), or -1 when it is due at or after {@code until}, or when it is
     *     overdue and {@code until} has passed (left undone: the users were all busy)
     */
    long awaitNext(long until) throws InterruptedException {
        long due = dueAt(next.getAndIncrement());
        if (due >= until) {
            return -1;
        }
        long wait = due - System.nanoTime();
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        } else if (System.nanoTime() >= until) {
            return -1;
        }
        long lag = System.nanoTime() - due;
        if (due >= measureFrom) {
            maxLagNanos.accumulateAndGet(lag, Math::max);
            if (lag > LATE_NANOS) {
                late.incrementAndGet();
            }
        }
        return due;
    }

    long dueAt(long k) {
        return startNanos + k * gapNanos;
    }

    /** The operations due in [from, until), {@code from} not before the start. */
    long dueBetween(long from, long until) {
        return ceilDiv(until - startNanos, gapNanos) - ceilDiv(from - startNanos, gapNanos);
    }

    private static long ceilDiv(long a, long b) {
        return -Math.floorDiv(-a, b);
    }

    /** Operations due in the measured window that started more than {@link #LATE_NANOS} after they were due. */
    long late() {
        return late.get();
    }

    long maxLagMillis() {
        return maxLagNanos.get() / 1_000_000;
    }
}
