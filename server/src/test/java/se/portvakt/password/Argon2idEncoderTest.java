package se.portvakt.password;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

/** Argon2id computations take turns, so a burst of sign-ins holds a bounded amount of memory. */
class Argon2idEncoderTest {

    @Test
    void noMoreComputationsRunAtOnceThanThereAreTurns() throws Exception {
        Argon2idEncoder encoder = new Argon2idEncoder(4096, 1, 1, 2);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        ExecutorService threads = Executors.newFixedThreadPool(12);
        try {
            List<CompletableFuture<Boolean>> checks = new ArrayList<>();
            for (int i = 0; i < 48; i++) {
                checks.add(CompletableFuture.supplyAsync(() -> encoder.inTurn(() -> {
                    most.accumulateAndGet(running.incrementAndGet(), Math::max);
                    sleep(3);
                    running.decrementAndGet();
                    return true;
                }), threads));
            }
            CompletableFuture.allOf(checks.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            assertThat(checks).allMatch(CompletableFuture::join);
        } finally {
            threads.shutdownNow();
        }
        assertThat(most.get()).as("computations running at the same time").isEqualTo(2);
    }

    @Test
    void aFailingComputationGivesItsTurnBack() {
        Argon2idEncoder encoder = new Argon2idEncoder(4096, 1, 1, 1);
        for (int i = 0; i < 3; i++) {
            try {
                encoder.inTurn(() -> {
                    throw new IllegalStateException("native library refused");
                });
            } catch (IllegalStateException expected) {
                // the turn must be free again for the next check
            }
        }
        String hash = encoder.encode("still works");
        assertThat(encoder.matches("still works", hash)).isTrue();
        assertThat(encoder.matches("not it", hash)).isFalse();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
