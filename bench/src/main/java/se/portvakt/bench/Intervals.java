package se.portvakt.bench;

import java.util.concurrent.TimeUnit;

/**
 * A line per interval of the measured window ({@code --interval}), printed as the run goes: the operations
 * measured that ended in it, their failures, rate and latency percentiles. For long runs (bench/soak.sh reads
 * these lines as they come and samples the servers at each).
 */
final class Intervals {

    private final long from;
    private final long everyNanos;
    private LoadGenerator.Samples current = new LoadGenerator.Samples();
    private long failed;

    Intervals(long measureFrom, long everyNanos) {
        this.from = measureFrom;
        this.everyNanos = everyNanos;
    }

    synchronized void succeeded(long latencyNanos) {
        current.add(latencyNanos);
    }

    synchronized void failed() {
        failed++;
    }

    /** Starts the thread that prints a line at the end of each interval until {@code until}. */
    void start(long until) {
        Thread printer = new Thread(() -> {
            try {
                TimeUnit.NANOSECONDS.sleep(Math.max(0, from - System.nanoTime()));
                System.out.printf("measuring     started, a line every %ds%n", everyNanos / 1_000_000_000L);
                System.out.flush();
                for (int k = 1; ; k++) {
                    long end = Math.min(until, from + k * everyNanos);
                    TimeUnit.NANOSECONDS.sleep(Math.max(0, end - System.nanoTime()));
                    print(k, (end - Math.min(end, from + (k - 1) * everyNanos)) / 1e9, (end - from) / 1e9);
                    if (end >= until) {
                        return;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "intervals");
        printer.setDaemon(true);
        printer.start();
    }

    private void print(int k, double seconds, double at) {
        LoadGenerator.Samples done;
        long errors;
        synchronized (this) {
            done = current;
            errors = failed;
            current = new LoadGenerator.Samples();
            failed = 0;
        }
        long[] sorted = LoadGenerator.Samples.sorted(java.util.List.of(done));
        String latency = sorted.length == 0 ? "latency ms none"
                : String.format("latency ms p50 %.1f p90 %.1f p99 %.1f max %.1f", LoadGenerator.pct(sorted, 50),
                        LoadGenerator.pct(sorted, 90), LoadGenerator.pct(sorted, 99), sorted[sorted.length - 1] / 1e6);
        System.out.printf("interval %d at %.0fs  ok %d  errors %d  rate %.2f/s  %s  loadavg %s%n", k, at,
                sorted.length, errors, sorted.length / Math.max(1e-9, seconds), latency, LoadGenerator.loadAverage());
        System.out.flush();
    }
}
