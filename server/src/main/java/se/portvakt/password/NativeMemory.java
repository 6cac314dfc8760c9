package se.portvakt.password;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the C library what to do with the large blocks Argon2id checks allocate (19 MiB each): return them to
 * the system when freed, or keep them for the next check. glibc's {@code mallopt(M_MMAP_THRESHOLD)}; elsewhere
 * than glibc on Linux this does nothing.
 *
 * <p>Returning costs the next check fresh pages, which the kernel must fault in and zero: about a fifth of a
 * sign-in's CPU (measured in docs/performance.md). Keeping costs resident memory, one block per C-library arena
 * that checks ran in (bounded, because checks take {@link Turns}). So start-up, whose bootstrap checks client
 * secrets and is followed by no sign-in yet, returns them, and the running server keeps them.
 */
final class NativeMemory {

    private static final Logger log = LoggerFactory.getLogger(NativeMemory.class);

    /** From glibc's malloc.h. */
    private static final int M_MMAP_THRESHOLD = -3;
    /** Blocks from this size up are mapped on their own and unmapped when freed. */
    private static final int RETURN_FROM = 4 << 20;
    /** glibc's largest threshold on 64-bit: blocks below it come from (and go back to) the arenas. */
    private static final int KEEP_BELOW = 32 << 20;

    private interface GlibcMalloc extends Library {
        int mallopt(int param, int value);
    }

    private static volatile GlibcMalloc glibc = Platform.isLinux() ? load() : null;

    private NativeMemory() {
    }

    /** Freed large blocks go back to the system; true when glibc took the setting. */
    static boolean returnLargeBlocks() {
        return mmapThreshold(RETURN_FROM);
    }

    /** Freed blocks up to 32 MiB stay with the process for reuse; true when glibc took the setting. */
    static boolean keepLargeBlocks() {
        return mmapThreshold(KEEP_BELOW);
    }

    private static boolean mmapThreshold(int bytes) {
        GlibcMalloc malloc = glibc;
        if (malloc == null) {
            return false;
        }
        try {
            return malloc.mallopt(M_MMAP_THRESHOLD, bytes) == 1;
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
