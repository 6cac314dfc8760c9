package se.portvakt.housekeeping;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

import se.portvakt.testing.TestDatabase;
import se.portvakt.testing.TestServer;

/** Two nodes on one PostgreSQL database: only the one holding the lease purges, and they take turns. */
class HousekeepingOnTwoNodesTest {

    private final TestDatabase database = new TestDatabase.Postgres();
    private final String name = TestDatabase.newName();

    @AfterEach
    void dropDatabase() {
        database.drop(name);
    }

    @Test
    void twoNodesNeverPurgeAtTheSameTime() throws Exception {
        Map<String, String> fast = Map.of("portvakt.housekeeping.every", "100ms", "portvakt.housekeeping.batch-size", "3",
                "portvakt.housekeeping.pause", "5ms");
        try (TestServer one = TestServer.start(database, name, fast); TestServer two = TestServer.start(database, name, fast)) {
            JdbcClient jdbc = one.bean(JdbcClient.class);
            OffsetDateTime expired = OffsetDateTime.ofInstant(Instant.now().minusSeconds(60), ZoneOffset.UTC);
            for (int i = 0; i < 60; i++) {
                jdbc.sql("INSERT INTO captcha_spent (challenge, expires_at) VALUES (:c, :at)")
                        .param("c", UUID.randomUUID().toString()).param("at", expired).update();
            }

            // A purge that notices company: each node runs it through its own housekeeping, many times at once.
            AtomicInteger inside = new AtomicInteger();
            AtomicInteger most = new AtomicInteger();
            Map<String, AtomicInteger> runsByNode = new ConcurrentHashMap<>();
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<?>> done = new java.util.ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    TestServer node = i % 2 == 0 ? one : two;
                    String nodeName = i % 2 == 0 ? "one" : "two";
                    Purge probe = new Purge() {
                        @Override
                        public String name() {
                            return "probe";
                        }

                        @Override
                        public int purgeBatch(Instant now, int batchSize) {
                            most.accumulateAndGet(inside.incrementAndGet(), Math::max);
                            try {
                                Thread.sleep(20);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            } finally {
                                inside.decrementAndGet();
                            }
                            return 0;
                        }
                    };
                    done.add(pool.submit(() -> {
                        long until = System.nanoTime() + Duration.ofSeconds(3).toNanos();
                        while (System.nanoTime() < until) {
                            if (node.bean(Housekeeping.class).runOnce(List.of(probe))) {
                                runsByNode.computeIfAbsent(nodeName, n -> new AtomicInteger()).incrementAndGet();
                            }
                            Thread.sleep(5);
                        }
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get();
                }
            } finally {
                pool.shutdown();
            }

            assertThat(most.get()).as("purges running at once, over both nodes").isEqualTo(1);
            assertThat(runsByNode).as("each node had the lease in turn").containsKeys("one", "two");
            assertThat(runsByNode.values().stream().mapToInt(AtomicInteger::get).sum()).isGreaterThan(10);
            // Their scheduled runs, every 100 ms in batches of 3, purge the expired challenges (soon, if the probes
            // above kept the lease busy).
            long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            int left;
            do {
                Thread.sleep(100);
                left = jdbc.sql("SELECT COUNT(*) FROM captcha_spent WHERE expires_at < :now")
                        .param("now", OffsetDateTime.now(ZoneOffset.UTC)).query(Integer.class).single();
            } while (left > 0 && System.nanoTime() < until);
            assertThat(left).isZero();
        }
    }
}
