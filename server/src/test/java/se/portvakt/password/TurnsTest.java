package se.portvakt.password;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

/** Argon2id checks take turns, so a burst of sign-ins holds a bounded amount of memory. */
class TurnsTest {

    @Test
    void noMoreComputationsRunAtOnceThanThereAreTurns() throws Exception {
        Turns turns = new Turns(2);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        runAtOnce(12, 48, () -> turns.take(() -> {
            most.accumulateAndGet(running.incrementAndGet(), Math::max);
            sleep(3);
            running.decrementAndGet();
            return true;
        }));
        assertThat(most.get()).as("computations running at the same time").isEqualTo(2);
    }

    @Test
    void aFailingComputationGivesItsTurnBack() {
        Turns turns = new Turns(1);
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> turns.take(() -> {
                throw new IllegalStateException("native library refused");
            })).isInstanceOf(IllegalStateException.class);
        }
        Argon2idEncoder encoder = new Argon2idEncoder(4096, 1, 1, turns);
        String hash = encoder.encode("still works");
        assertThat(encoder.matches("still works", hash)).isTrue();
        assertThat(encoder.matches("not it", hash)).isFalse();
    }

    @Test
    void glibcTakesTheSettingForArgon2idBlocks() {
        // Debian's glibc on the build machines has mallopt; the call must link and be accepted.
        boolean linux = System.getProperty("os.name").equals("Linux");
        assertThat(NativeMemory.returnLargeBlocks()).isEqualTo(linux);
    }

    @Test
    void eachTurnKeepsOneBlockOnceBlocksAreKept() throws Exception {
        Turns turns = new Turns(2);
        assertThat(turns.<Object>take(block -> block)).as("before blocks are kept").isNull();
        turns.keepBlocks(1 << 20);
        java.util.Set<Object> blocks = java.util.concurrent.ConcurrentHashMap.newKeySet();
        runAtOnce(8, 64, () -> turns.take(block -> {
            assertThat(block.size()).isEqualTo(1 << 20);
            blocks.add(block);
            sleep(1);
            return true;
        }));
        assertThat(blocks).as("blocks ever handed out").hasSizeBetween(1, 2);
    }

    @Test
    void aBlockUnusedForTheGivenTimeGoesBackAndTheNextComputationGetsANewOne() {
        Turns turns = new Turns(1);
        turns.keepBlocks(1 << 20);
        com.sun.jna.Memory first = turns.take(block -> block);
        assertThat(turns.releaseBlocksIdleFor(java.time.Duration.ofHours(1))).as("released after an hour").isZero();
        assertThat(turns.<Object>take(block -> block)).as("kept while recently used").isSameAs(first);
        assertThat(turns.releaseBlocksIdleFor(java.time.Duration.ZERO)).as("released when idle").isEqualTo(1);
        assertThat(first.valid()).as("the released block is freed").isFalse();
        com.sun.jna.Memory next = turns.take(block -> block);
        assertThat(next).isNotSameAs(first);
        assertThat(next.size()).isEqualTo(1 << 20);
        assertThat(turns.releaseBlocksIdleFor(java.time.Duration.ZERO)).as("nothing left twice").isEqualTo(1);
        assertThat(turns.releaseBlocksIdleFor(java.time.Duration.ZERO)).isZero();
    }

    @Test
    void aTurnInUseKeepsItsBlock() {
        Turns turns = new Turns(1);
        turns.keepBlocks(1 << 20);
        turns.take(block -> block);
        boolean kept = turns.take(block -> {
            // The only turn is taken: releasing must neither wait for it nor free the block under the computation.
            assertThat(turns.releaseBlocksIdleFor(java.time.Duration.ZERO)).isZero();
            return block.valid();
        });
        assertThat(kept).isTrue();
    }

    @Test
    void aReleasedBlockLeavesTheResidentSet() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(new java.io.File("/proc/self/status").canRead(), "Linux /proc");
        Turns turns = new Turns(1);
        int bytes = 64 << 20;
        turns.keepBlocks(bytes);
        turns.take(block -> {
            block.setMemory(0, bytes, (byte) 1); // every page touched, as Argon2id's passes do
            return true;
        });
        long before = residentKib();
        assertThat(turns.releaseBlocksIdleFor(java.time.Duration.ZERO)).isEqualTo(1);
        long after = residentKib();
        assertThat(before - after).as("KiB resident given back (VmRSS %d -> %d)", before, after)
                .isGreaterThan(48 << 10);
    }

    private static long residentKib() throws java.io.IOException {
        return java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status")).stream()
                .filter(line -> line.startsWith("VmRSS:"))
                .mapToLong(line -> Long.parseLong(line.replaceAll("\\D", "")))
                .findFirst().orElseThrow();
    }

    private static void runAtOnce(int threads, int tasks, java.util.function.Supplier<Boolean> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<CompletableFuture<Boolean>> all = new ArrayList<>();
            for (int i = 0; i < tasks; i++) {
                all.add(CompletableFuture.supplyAsync(task, pool));
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            assertThat(all).allMatch(CompletableFuture::join);
        } finally {
            pool.shutdownNow();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
