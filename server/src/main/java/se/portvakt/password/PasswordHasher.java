package se.portvakt.password;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.DelegatingPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.crypto.password.Pbkdf2PasswordEncoder;
import org.springframework.stereotype.Component;

/**
 * Hashes and verifies passwords: Argon2id for every new hash; bcrypt and PBKDF2 hashes imported from an
 * old login system are accepted and reported for re-hashing.
 *
 * <p>Stored hashes carry their encoder as a prefix ({@code {argon2}}, {@code {bcrypt}}, {@code {pbkdf2}}).
 *
 * <p>Every check costs the same work, whatever the stored hash: while the database holds hashes of other kinds
 * or parameters (imported, or Argon2id with older parameters, until their owners sign in again), each check
 * also runs one check of every such kind that it did not run for real ({@link #padTo}). Otherwise an imported
 * bcrypt account, several times slower to check than Argon2id, would show by timing that it exists.
 */
@Component
public class PasswordHasher {

    /** What checking a password against a stored hash found. */
    public record Verification(boolean matches, boolean needsRehash) {}

    /**
     * What an unknown email (or an account with no password) is checked against, so that it costs what a real
     * account costs. An Argon2id hash, with today's parameters, of a random value that was thrown away: the
     * answer is never used (such a check always fails), only the work counts. A constant, not made at start-up,
     * because making it cost one full hash on every start.
     */
    private static final String BURN_HASH =
            "{argon2}$argon2id$v=19$m=19456,t=2,p=1$Xkh93tyJbzB5lO7QVnRu/g$tj3yX86oSPDWA3+xGrHDJC0eScVLrQa4yRHJY6DeuT0";

    /**
     * A turn's block that no check has used for this long goes back to the system (see Turns): a steady load keeps
     * its blocks, and an idle server does not hold 19 MiB per processor (38 MB on two) for the next sign-in.
     */
    static final Duration RELEASE_BLOCKS_IDLE_FOR = Duration.ofSeconds(60);

    private static final Pattern BCRYPT = Pattern.compile("\\{bcrypt}\\$2[aby]?\\$\\d\\d\\$[./0-9A-Za-z]{53}");

    private final Argon2idEncoder argon2;
    private final DelegatingPasswordEncoder encoder;
    private final String burnHash;
    /** One stored hash of each shape that every check pays for (the burn hash's shape always). */
    private volatile Map<String, String> padding;

    public PasswordHasher() {
        // Memory the library allocates for a check (start-up's, before the turns keep blocks of their own, and a
        // stored hash larger than a block) goes back to the system when freed (see NativeMemory).
        NativeMemory.returnLargeBlocks();
        this.argon2 = Argon2idEncoder.owasp(Turns.perProcessor());
        this.encoder = new DelegatingPasswordEncoder("argon2", Map.of(
                "argon2", argon2,
                "bcrypt", new BCryptPasswordEncoder(),
                "pbkdf2", Pbkdf2PasswordEncoder.defaultsForSpringSecurity_v5_8(),
                "pbkdf2@SpringSecurity_v5_8", Pbkdf2PasswordEncoder.defaultsForSpringSecurity_v5_8()));
        // Should the parameters change, the constant would be cheaper than a real account: make one then.
        this.burnHash = encoder.upgradeEncoding(BURN_HASH) ? encoder.encode(java.util.UUID.randomUUID().toString()) : BURN_HASH;
        this.padding = Map.of(shape(burnHash), burnHash);
    }

    /** A new Argon2id hash of the password, with its prefix. */
    public String hash(String rawPassword) {
        return encoder.encode(rawPassword);
    }

    /**
     * Checks a password against a stored hash. With no stored hash (an unknown email, or an account with no
     * password yet) the same hashing work is done and the answer is no, so timing tells nothing.
     */
    public Verification verify(String rawPassword, String storedHash) {
        if (storedHash == null) {
            encoder.matches(rawPassword, burnHash);
            pad(rawPassword, burnHash);
            return new Verification(false, false);
        }
        boolean matches;
        try {
            matches = encoder.matches(rawPassword, storedHash);
        } catch (IllegalArgumentException unknownPrefix) {
            encoder.matches(rawPassword, burnHash);
            pad(rawPassword, burnHash);
            return new Verification(false, false);
        }
        pad(rawPassword, storedHash);
        return new Verification(matches, matches && encoder.upgradeEncoding(storedHash));
    }

    /**
     * From now on every check also costs one check of each of these stored hashes' shapes (kind and parameters)
     * that it does not run for real. Given one hash of each shape the database holds, every check, of any
     * account or of none, then does the same work. Replaces what an earlier call gave.
     */
    public void padTo(Collection<String> storedHashes) {
        Map<String, String> shapes = new HashMap<>();
        shapes.put(shape(burnHash), burnHash);
        storedHashes.stream().filter(this::isSupported).filter(PasswordHasher::wellFormed)
                .forEach(hash -> shapes.putIfAbsent(shape(hash), hash));
        this.padding = Map.copyOf(shapes);
    }

    /** The prefix of every hash made with today's parameters; stored hashes without it are of another shape. */
    public String currentShape() {
        return shape(burnHash);
    }

    /**
     * What decides how long checking a stored hash takes: its kind and parameters, without salt and hash
     * ({@code {argon2}$argon2id$v=19$m=19456,t=2,p=1$}, {@code {bcrypt}$2a$10$}, {@code {pbkdf2}}, whose
     * parameters the encoder fixes).
     */
    static String shape(String storedHash) {
        int close = storedHash.indexOf('}');
        String kind = storedHash.substring(0, close + 1);
        String rest = storedHash.substring(close + 1);
        int end = switch (kind) {
            case "{bcrypt}" -> rest.length() > 7 ? 7 : -1; // $2a$10$
            case "{argon2}" -> rest.lastIndexOf('$', rest.lastIndexOf('$') - 1) + 1; // up to the salt
            default -> 0;
        };
        return end < 0 ? storedHash : kind + rest.substring(0, end);
    }

    /** A damaged bcrypt sample would cost nothing and log a warning at every check: such a one is left out. */
    private static boolean wellFormed(String storedHash) {
        return !storedHash.startsWith("{bcrypt}") || BCRYPT.matcher(storedHash).matches();
    }

    /** The checks of the padding's other shapes; their answers are thrown away, only their work counts. */
    private void pad(String rawPassword, String checked) {
        String done = shape(checked);
        padding.forEach((shape, hash) -> {
            if (!shape.equals(done)) {
                try {
                    encoder.matches(rawPassword, hash);
                } catch (IllegalArgumentException damaged) {
                    // A damaged sample costs nothing; the next refresh takes another.
                }
            }
        });
    }

    /** From now on sign-ins follow each other: each turn keeps a block of memory for its checks (see Turns). */
    @EventListener(ApplicationReadyEvent.class)
    void keepMemoryForSignIns() {
        argon2.keepBlocks();
    }

    /** Every 30 s: the blocks of turns that checked nothing for a minute go back to the system. */
    @Scheduled(fixedDelayString = "PT30S", initialDelayString = "PT30S")
    void releaseIdleMemory() {
        argon2.releaseBlocksIdleFor(RELEASE_BLOCKS_IDLE_FOR);
    }

    /** True when the stored value is one this hasher can verify (used when importing hashes). */
    public boolean isSupported(String storedHash) {
        return storedHash != null && storedHash.matches("^\\{(argon2|bcrypt|pbkdf2|pbkdf2@SpringSecurity_v5_8)}.+");
    }
}
