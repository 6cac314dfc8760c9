package se.portvakt.password;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import de.mkammerer.argon2.Argon2;
import de.mkammerer.argon2.Argon2Factory;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * Argon2id through the native libargon2 (about twice as fast here as the pure-Java Bouncy Castle one),
 * writing the standard PHC string {@code $argon2id$v=19$m=...,t=...,p=...$salt$hash}.
 * Computations take {@link Turns}: one per processor at a time.
 */
final class Argon2idEncoder implements PasswordEncoder {

    private static final Pattern PARAMETERS = Pattern.compile("^\\$argon2id\\$v=19\\$m=(\\d+),t=(\\d+),p=(\\d+)\\$");

    private final Argon2 argon2 = Argon2Factory.create(Argon2Factory.Argon2Types.ARGON2id, 16, 32);
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
        return turns.take(() -> argon2.hash(iterations, memoryKib, parallelism, password));
    }

    @Override
    public boolean matches(CharSequence rawPassword, String encodedPassword) {
        if (encodedPassword == null || !encodedPassword.startsWith("$argon2")) {
            return false;
        }
        char[] password = toChars(rawPassword);
        return turns.take(() -> argon2.verify(encodedPassword, password));
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
