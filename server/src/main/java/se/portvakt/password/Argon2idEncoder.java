package se.portvakt.password;

import java.security.SecureRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import de.mkammerer.argon2.Argon2;
import de.mkammerer.argon2.Argon2Factory;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * Argon2id through the native libargon2 (about twice as fast here as the pure-Java Bouncy Castle one),
 * writing the standard PHC string {@code $argon2id$v=19$m=...,t=...,p=...$salt$hash}.
 * Computations take {@link Turns}: one per processor at a time; once the server is ready ({@link #keepBlocks}), in
 * the turn's own block of memory ({@link Argon2idInBlock}), before that (and for a stored hash whose memory cost is
 * larger than the block) in memory the library allocates and frees.
 */
final class Argon2idEncoder implements PasswordEncoder {

    private static final Pattern PARAMETERS = Pattern.compile("^\\$argon2id\\$v=19\\$m=(\\d+),t=(\\d+),p=(\\d+)\\$");

    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Argon2 argon2 = Argon2Factory.create(Argon2Factory.Argon2Types.ARGON2id, SALT_BYTES, HASH_BYTES);
    private final int memoryKib;
    private final int iterations;
    private final int parallelism;
    private final Turns turns;

    Argon2idEncoder(int memoryKib, int iterations, int parallelism, Turns turns) {
        this.memoryKib = memoryKib;
        this.iterations = iterations;
        this.parallelism = parallelism;
        this.turns = turns;
    }

    /** The OWASP Password Storage Cheat Sheet's first Argon2id setting: 19 MiB, two passes, one lane. */
    static Argon2idEncoder owasp(Turns turns) {
        return new Argon2idEncoder(19_456, 2, 1, turns);
    }

    @Override
    public String encode(CharSequence rawPassword) {
        char[] password = toChars(rawPassword);
        return turns.take(block -> block == null
                ? argon2.hash(iterations, memoryKib, parallelism, password)
                : Argon2idInBlock.hash(block, password, salt(), memoryKib, iterations, parallelism, HASH_BYTES));
    }

    @Override
    public boolean matches(CharSequence rawPassword, String encodedPassword) {
        if (encodedPassword == null || !encodedPassword.startsWith("$argon2")) {
            return false;
        }
        char[] password = toChars(rawPassword);
        return turns.take(block -> Argon2idInBlock.fits(block, encodedPassword)
                ? Argon2idInBlock.verify(block, password, encodedPassword)
                : argon2.verify(encodedPassword, password));
    }

    /**
     * From now on each turn computes in a block of its own, allocated at its first computation and kept: what
     * sign-ins do once the server is ready. Start-up's few checks leave no block behind.
     */
    void keepBlocks() {
        turns.keepBlocks(Argon2idInBlock.bytesFor(memoryKib));
    }

    /** Gives back the blocks of turns that computed nothing for this long (see Turns); returns how many. */
    int releaseBlocksIdleFor(java.time.Duration idle) {
        return turns.releaseBlocksIdleFor(idle);
    }

    private static byte[] salt() {
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        return salt;
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
