package se.portvakt.password;

import java.util.concurrent.Semaphore;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import de.mkammerer.argon2.Argon2;
import de.mkammerer.argon2.Argon2Factory;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * Argon2id through the native libargon2 (about twice as fast here as the pure-Java Bouncy Castle one),
 * writing the standard PHC string {@code $argon2id$v=19$m=...,t=...,p=...$salt$hash}.
 *
 * <p>At most one computation per processor runs at a time; the others wait their turn. Each one holds its
 * memory cost (19 MiB with the OWASP setting) for its whole run, so without the bound a burst of sign-ins, or
 * an attacker sending many passwords at once, would hold one block per request thread (200 by default:
 * nearly 4 GiB) while the processors could only work on a few of them anyway. With the bound the memory is
 * a few blocks whatever arrives, glibc keeps reusing the same ones instead of mapping and zeroing fresh pages
 * for each check, and the total time to serve a burst is unchanged (the work is processor-bound).
 */
final class Argon2idEncoder implements PasswordEncoder {

    private static final Pattern PARAMETERS = Pattern.compile("^\\$argon2id\\$v=19\\$m=(\\d+),t=(\\d+),p=(\\d+)\\$");

    private final Argon2 argon2 = Argon2Factory.create(Argon2Factory.Argon2Types.ARGON2id, 16, 32);
    private final int memoryKib;
    private final int iterations;
    private final int parallelism;
    private final Semaphore turns;

    Argon2idEncoder(int memoryKib, int iterations, int parallelism) {
        this(memoryKib, iterations, parallelism, Runtime.getRuntime().availableProcessors());
    }

    Argon2idEncoder(int memoryKib, int iterations, int parallelism, int concurrentComputations) {
        this.memoryKib = memoryKib;
        this.iterations = iterations;
        this.parallelism = parallelism;
        this.turns = new Semaphore(concurrentComputations, true);
    }

    /** The OWASP Password Storage Cheat Sheet's first Argon2id setting: 19 MiB, two passes, one lane. */
    static Argon2idEncoder owasp() {
        return new Argon2idEncoder(19_456, 2, 1);
    }

    @Override
    public String encode(CharSequence rawPassword) {
        char[] password = toChars(rawPassword);
        return inTurn(() -> argon2.hash(iterations, memoryKib, parallelism, password));
    }

    @Override
    public boolean matches(CharSequence rawPassword, String encodedPassword) {
        if (encodedPassword == null || !encodedPassword.startsWith("$argon2")) {
            return false;
        }
        char[] password = toChars(rawPassword);
        return inTurn(() -> argon2.verify(encodedPassword, password));
    }

    /** Runs one computation when a turn is free (package-private for the test of the bound). */
    <T> T inTurn(Supplier<T> computation) {
        turns.acquireUninterruptibly();
        try {
            return computation.get();
        } finally {
            turns.release();
        }
    }

    /** A hash made with weaker parameters than today's is replaced at the next successful sign-in. */
    @Override
    public boolean upgradeEncoding(String encodedPassword) {
        Matcher m = PARAMETERS.matcher(encodedPassword);
        if (!m.find()) {
            return true;
        }
        return Integer.parseInt(m.group(1)) < memoryKib
                || Integer.parseInt(m.group(2)) < iterations
                || Integer.parseInt(m.group(3)) < parallelism;
    }

    private static char[] toChars(CharSequence raw) {
        char[] chars = new char[raw.length()];
        for (int i = 0; i < chars.length; i++) {
            chars[i] = raw.charAt(i);
        }
        return chars;
    }
}
