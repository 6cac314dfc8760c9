package se.portvakt.password;

import java.util.Map;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
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

    private final DelegatingPasswordEncoder encoder;
    private final String burnHash;

    public PasswordHasher() {
        // Start-up's checks (the bootstrap's client secrets) are not followed by sign-ins yet: their memory
        // goes back to the system until the server is ready (see NativeMemory).
        NativeMemory.returnLargeBlocks();
        PasswordEncoder argon2 = Argon2idEncoder.owasp(Turns.perProcessor());
        this.encoder = new DelegatingPasswordEncoder("argon2", Map.of(
                "argon2", argon2,
                "bcrypt", new BCryptPasswordEncoder(),
                "pbkdf2", Pbkdf2PasswordEncoder.defaultsForSpringSecurity_v5_8(),
                "pbkdf2@SpringSecurity_v5_8", Pbkdf2PasswordEncoder.defaultsForSpringSecurity_v5_8()));
        // Should the parameters change, the constant would be cheaper than a real account: make one then.
        this.burnHash = encoder.upgradeEncoding(BURN_HASH) ? encoder.encode(java.util.UUID.randomUUID().toString()) : BURN_HASH;
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
            return new Verification(false, false);
        }
        boolean matches;
        try {
            matches = encoder.matches(rawPassword, storedHash);
        } catch (IllegalArgumentException unknownPrefix) {
            encoder.matches(rawPassword, burnHash);
            return new Verification(false, false);
        }
        return new Verification(matches, matches && encoder.upgradeEncoding(storedHash));
    }

    /** From now on sign-ins follow each other: the C library keeps Argon2id's blocks for the next check. */
    @EventListener(ApplicationReadyEvent.class)
    void keepMemoryForSignIns() {
        NativeMemory.keepLargeBlocks();
    }

    /** True when the stored value is one this hasher can verify (used when importing hashes). */
    public boolean isSupported(String storedHash) {
        return storedHash != null && storedHash.matches("^\\{(argon2|bcrypt|pbkdf2|pbkdf2@SpringSecurity_v5_8)}.+");
    }
}
