package se.portvakt.password;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.Function;
import java.util.function.Supplier;

import com.sun.jna.Memory;

/**
 * Turns for memory-hard computations: at most a fixed number run at once, the others wait, first come, first
 * served; and, once {@link #keepBlocks kept}, a block of memory per turn that its computations reuse.
 *
 * <p>Each Argon2id check holds its memory cost (19 MiB with the OWASP setting) for its whole run. Without
 * turns, a burst of sign-ins, or an attacker sending many passwords at once, would hold one block per
 * request thread (200 by default: nearly 4 GiB) while the processors work on a few of them anyway; with one
 * turn per processor the memory is a few blocks whatever arrives, and a burst takes as long as before (the
 * work is processor-bound).
 *
 * <p>Why blocks of their own: left to the C library, a freed 19 MiB block is either given back to the system (and
 * the next check faults in and zeroes its 4,864 pages again, a fifth of a sign-in's CPU) or kept in the library's
 * arenas, where other allocations split it and the kept memory grows with the load (82-121 MB measured after the
 * side-by-side load, docs/performance.md). A block per turn is allocated once and is all that checks ever hold.
 *
 * <p>A block no computation has used for a while goes back to the system ({@link #releaseBlocksIdleFor}): under a
 * steady load each turn keeps its block, and a server that has had no sign-in for minutes does not hold 19 MiB per
 * processor for the next one; that one faults its block in again (about 5 ms), once.
 */
final class Turns {

    private final BlockingQueue<Turn> free;
    private volatile long blockBytes;

    Turns(int count) {
        this.free = new ArrayBlockingQueue<>(count, true);
        for (int i = 0; i < count; i++) {
            free.add(new Turn());
        }
    }

    static Turns perProcessor() {
        return new Turns(Runtime.getRuntime().availableProcessors());
    }

    /**
     * From now on each turn keeps a block of this many bytes, allocated at its first computation. Until then
     * computations get no block (start-up's few checks leave nothing resident).
     */
    void keepBlocks(long bytes) {
        blockBytes = bytes;
    }

    /** Runs the computation in a turn, waiting for one when all are taken. */
    <T> T take(Supplier<T> computation) {
        return take(block -> computation.get());
    }

    /**
     * Runs the computation in a turn, waiting for one when all are taken, and gives it the turn's block, or null
     * while blocks are not kept.
     */
    <T> T take(Function<Memory, T> computation) {
        Turn turn = waitForTurn();
        try {
            return computation.apply(turn.block(blockBytes));
        } finally {
            free.add(turn);
        }
    }

    /**
     * Gives back to the system the block of every free turn that no computation has used for at least this long;
     * the turn's next computation allocates a new one. Turns in use are left alone. Returns how many went back.
     */
    int releaseBlocksIdleFor(Duration idle) {
        long now = System.nanoTime();
        int released = 0;
        // Each free turn is taken out for the moment of the check, so no computation can use its block meanwhile.
        for (int i = free.size(); i > 0; i--) {
            Turn turn = free.poll();
            if (turn == null) {
                break;
            }
            try {
                if (turn.releaseIfIdle(now, idle.toNanos())) {
                    released++;
                }
            } finally {
                free.add(turn);
            }
        }
        return released;
    }

    private Turn waitForTurn() {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return free.take();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** One turn and the memory its computations reuse. */
    private static final class Turn {

        private Memory block;
        private long lastUsed;

        Memory block(long bytes) {
            if (bytes <= 0) {
                return null;
            }
            if (block == null || block.size() != bytes) {
                release();
                block = new Memory(bytes);
            }
            lastUsed = System.nanoTime();
            return block;
        }

        boolean releaseIfIdle(long now, long idleNanos) {
            if (block == null || now - lastUsed < idleNanos) {
                return false;
            }
            release();
            return true;
        }

        private void release() {
            if (block != null) {
                block.close();
                block = null;
            }
        }
    }
}
