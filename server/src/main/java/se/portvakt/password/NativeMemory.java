package se.portvakt.password;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the C library what to do with the large blocks Argon2id checks allocate (19 MiB each): return them to
 * the system when freed, or keep them for the next check. glibc's {@code mallopt(M_MMAP_THRESHOLD)} and
 * {@code mallopt(M_TRIM_THRESHOLD)}; elsewhere than glibc on Linux this does nothing.
 *
 * <p>Both settings are needed to keep a block: below the mmap threshold the block comes from the arena instead
 * of a mapping of its own, but a freed block at the top of the arena is still given back (trimmed) when it is
 * larger than the trim threshold, 128 KiB by default, and the next check then faults in and zeroes its 4,864
 * pages again (measured 2026-11-30: 21.5 ms a check with the mmap threshold alone, 13.3 ms with both).
 *
 * <p>Returning costs the next check fresh pages, which the kernel must fault in and zero: about a fifth of a
 * sign-in's CPU (measured in docs/performance.md). Keeping costs resident memory, one block per C-library arena
 * that checks ran in (bounded, because checks take {@link Turns}). So start-up, whose bootstrap checks client
 * secrets and is followed by no sign-in yet, returns them, and the running server keeps them.
 */
final class NativeMemory {

    private static final Logger log = LoggerFactory.getLogger(NativeMemory.class);

    /** From glibc's malloc.h. */
    private static final int M_TRIM_THRESHOLD = -1;
    /** From glibc's malloc.h. */
    private static final int M_MMAP_THRESHOLD = -3;
    /** glibc's default trim threshold. */
    private static final int TRIM_DEFAULT = 128 << 10;
    /** Above the largest block kept, and above what two checks at once leave free at an arena's top. */
    private static final int TRIM_ABOVE_KEPT = 64 << 20;
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
        return set(M_MMAP_THRESHOLD, RETURN_FROM) & set(M_TRIM_THRESHOLD, TRIM_DEFAULT);
    }

    /** Freed blocks up to 32 MiB stay with the process for reuse; true when glibc took the setting. */
    static boolean keepLargeBlocks() {
        return set(M_MMAP_THRESHOLD, KEEP_BELOW) & set(M_TRIM_THRESHOLD, TRIM_ABOVE_KEPT);
    }

    private static boolean set(int param, int bytes) {
        GlibcMalloc malloc = glibc;
        if (malloc == null) {
            return false;
        }
        try {
            return malloc.mallopt(param, bytes) == 1;
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
