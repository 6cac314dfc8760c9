package se.portvakt.password;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the C library to give the large blocks Argon2id checks allocate (19 MiB each) back to the system when they
 * are freed: glibc's {@code mallopt(M_MMAP_THRESHOLD)}; elsewhere than glibc on Linux this does nothing.
 *
 * <p>Only checks that run without a block of their own ({@link Turns}) allocate such memory through the library:
 * start-up's (the bootstrap checks client secrets, and no sign-in follows yet) and a stored hash whose memory cost is
 * larger than a turn's block. Kept in the library's arenas, the freed blocks would be split by other allocations and
 * the memory kept would grow with the load; given back, each such check faults its pages in again, which is the
 * price of those rare checks.
 */
final class NativeMemory {

    private static final Logger log = LoggerFactory.getLogger(NativeMemory.class);

    /** From glibc's malloc.h. */
    private static final int M_MMAP_THRESHOLD = -3;
    /** Blocks from this size up are mapped on their own and unmapped when freed. */
    private static final int RETURN_FROM = 4 << 20;

    private interface GlibcMalloc extends Library {
        int mallopt(int param, int value);
    }

    private static volatile GlibcMalloc glibc = Platform.isLinux() ? load() : null;

    private NativeMemory() {
    }

    /** Freed large blocks go back to the system; true when glibc took the setting. */
    static boolean returnLargeBlocks() {
        GlibcMalloc malloc = glibc;
        if (malloc == null) {
            return false;
        }
        try {
            return malloc.mallopt(M_MMAP_THRESHOLD, RETURN_FROM) == 1;
        } catch (UnsatisfiedLinkError notGlibc) {
            log.debug("No mallopt in this C library; it manages Argon2id's memory its own way");
            glibc = null;
            return false;
        }
    }

    private static GlibcMalloc load() {
        try {
            return Native.load("c", GlibcMalloc.class);
        } catch (UnsatisfiedLinkError | RuntimeException unavailable) {
            return null;
        }
    }
}
