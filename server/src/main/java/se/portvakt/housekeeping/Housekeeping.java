package se.portvakt.housekeeping;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import se.portvakt.config.PortvaktProperties;

/**
 * Purges what has outlived its use, every {@code portvakt.housekeeping.every}, on the one node that holds the
 * {@link HousekeepingLease}: each {@link Purge} in batches of {@code batch-size} rows, one statement a batch with a
 * pause between, until a batch comes back short. Small batches keep each transaction's locks and write-ahead log
 * small, so sign-ins on the same tables do not wait behind a purge of a backlog.
 *
 * <p>It runs on a thread of its own, not on the shared scheduler, whose single thread also wakes the pages waiting
 * for a push approval every half second.
 */
@Component
class Housekeeping implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(Housekeeping.class);

    private final List<Purge> purges;
    private final HousekeepingLease lease;
    private final PortvaktProperties.Housekeeping settings;
    private final MeterRegistry meters;
    private ScheduledExecutorService thread;

    @Autowired
    Housekeeping(List<Purge> purges, JdbcClient jdbc, PortvaktProperties properties, MeterRegistry meters) {
        this(purges, jdbc, properties.housekeeping(), meters);
    }

    Housekeeping(List<Purge> purges, JdbcClient jdbc, PortvaktProperties.Housekeeping settings, MeterRegistry meters) {
        this.purges = List.copyOf(purges);
        this.settings = settings;
        this.lease = new HousekeepingLease(jdbc, holderName(), settings.lease());
        this.meters = meters;
        purges.forEach(this::purged);
    }

    /**
     * Runs every purge once if this node can take the lease, and returns whether it could; the lease is renewed
     * before each batch and given up at the end, and a node that loses it (a pause longer than the lease) stops.
     * One run at a time in a node too: the lease is the node's, not the thread's.
     */
    boolean runOnce() {
        return runOnce(purges);
    }

    synchronized boolean runOnce(List<Purge> these) {
        if (!lease.take(Instant.now())) {
            return false;
        }
        try {
            for (Purge purge : these) {
                if (Thread.currentThread().isInterrupted()) {
                    return true; // the server is stopping
                }
                if (!purgeAll(purge)) {
                    log.warn("Housekeeping lost its lease during {}; another node goes on", purge.name());
                    return true;
                }
            }
        } finally {
            lease.release();
        }
        return true;
    }

    /** Batches of one purge until one comes back short; false when the lease was lost on the way. */
    private boolean purgeAll(Purge purge) {
        Counter counter = purged(purge);
        while (true) {
            Instant now = Instant.now();
            if (!lease.take(now)) {
                return false;
            }
            int rows;
            try {
                rows = purge.purgeBatch(now, settings.batchSize());
            } catch (RuntimeException e) {
                log.warn("Housekeeping could not purge {}: {}", purge.name(), e.toString());
                return true;
            }
            counter.increment(rows);
            if (rows < settings.batchSize()) {
                return true;
            }
            if (!pause()) {
                return true;
            }
        }
    }

    private Counter purged(Purge purge) {
        return Counter.builder("portvakt.housekeeping.purged")
                .description("Rows purged by housekeeping")
                .tag("purge", purge.name())
                .register(meters);
    }

    private boolean pause() {
        try {
            Thread.sleep(settings.pause().toMillis());
            return true;
        } catch (InterruptedException stopping) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void scheduledRun() {
        try {
            runOnce();
        } catch (RuntimeException e) {
            // The database away for a moment: the next run tries again, and an outage is reported by health.
            log.warn("Housekeeping skipped a run: {}", e.toString());
        }
    }

    @Override
    public synchronized void start() {
        thread = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread t = new Thread(task, "housekeeping");
            t.setDaemon(true);
            return t;
        });
        Duration every = settings.every();
        thread.scheduleWithFixedDelay(this::scheduledRun, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void stop() {
        if (thread != null) {
            thread.shutdownNow();
            try {
                thread.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            thread = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return thread != null;
    }

    /** This process, readable in the lease row by an operator: process id and host, and a random part per start. */
    private static String holderName() {
        String name = ManagementFactory.getRuntimeMXBean().getName() + '/' + UUID.randomUUID().toString().substring(0, 8);
        return name.length() <= 100 ? name : name.substring(name.length() - 100);
    }
}
