package se.portvakt.password;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Whether Argon2id's blocks stay with the process between checks, counted in the page faults the checks take
 * (each fresh 19 MiB block is 4,864 pages the kernel must fault in and zero), not in time.
 */
class NativeMemoryTest {

    private static final int PAGES_PER_BLOCK = 19_456 / 4;
    private static final int CHECKS = 6;

    private final Argon2idEncoder encoder = Argon2idEncoder.owasp(new Turns(1));

    @AfterEach
    void backToStartUp() {
        NativeMemory.returnLargeBlocks();
    }

    @Test
    void keptBlocksAreNotFaultedInAgainAtEveryCheck() throws IOException {
        assumeThat(NativeMemory.keepLargeBlocks()).as("glibc on Linux").isTrue();
        String hash = encoder.encode("kept");

        long faults = pageFaultsOf(() -> encoder.matches("kept", hash));

        assertThat(faults).as("minor page faults over %d checks", CHECKS).isLessThan(PAGES_PER_BLOCK);
    }

    @Test
    void returnedBlocksAreFaultedInAgainAtEveryCheck() throws IOException {
        // The other side, so that the count above can tell the two apart on this machine.
        assumeThat(NativeMemory.returnLargeBlocks()).as("glibc on Linux").isTrue();
        String hash = encoder.encode("returned");

        long faults = pageFaultsOf(() -> encoder.matches("returned", hash));

        assertThat(faults).as("minor page faults over %d checks", CHECKS).isGreaterThan((long) PAGES_PER_BLOCK * (CHECKS - 1));
    }

    private static long pageFaultsOf(Runnable check) throws IOException {
        check.run();
        long before = minorFaults();
        for (int i = 0; i < CHECKS; i++) {
            check.run();
        }
        return minorFaults() - before;
    }

    /** The process's minor page faults, field 10 of /proc/self/stat (after the command's closing parenthesis). */
    private static long minorFaults() throws IOException {
        String stat = Files.readString(Path.of("/proc/self/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[7]);
    }
}
