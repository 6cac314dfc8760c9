package se.portvakt.factor.emergency;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

import org.springframework.stereotype.Component;

import se.portvakt.factor.FactorKind;
import se.portvakt.factor.FactorStore;
import se.portvakt.factor.Sha256;

/**
 * The one-time emergency code (journey step 4c): {@code ABCD-1234-ABCD-1234-ABCD}, 20 characters from an
 * alphabet without look-alikes (no 0/O, 1/I/L, U/V), so about 97 bits. Only its SHA-256 is stored (a random
 * code this long needs no slow hash); using it is one DELETE of that hash, so it works exactly once.
 */
@Component
public class EmergencyCodes {

    static final String ALPHABET = "23456789ABCDEFGHJKMNPQRSTWXYZ";
    static final int LENGTH = 20;
    private static final int GROUP = 4;
    private static final Duration SHOWN_FOR = Duration.ofHours(1);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final FactorStore factors;

    EmergencyCodes(FactorStore factors) {
        this.factors = factors;
    }

    /**
     * Makes a new code to show once. It replaces the account's code only when {@link #confirmShown} is called
     * (the person ticked "I have safely copied and stored this code."), so a code never shown cannot lock anyone out.
     */
    public String issue(String accountId) {
        String code = generate();
        factors.savePending(accountId, FactorKind.EMERGENCY_CODE, hash(code), null, Instant.now().plus(SHOWN_FOR));
        return code;
    }

    /** True when {@code code} is the one last shown to this account and not yet stored or replaced. */
    public boolean isShown(String accountId, String code) {
        String normalized = normalize(code);
        return normalized.length() == LENGTH && factors.pending(accountId, FactorKind.EMERGENCY_CODE)
                .filter(pending -> MessageDigest.isEqual(pending.secret().getBytes(StandardCharsets.US_ASCII),
                        hash(normalized).getBytes(StandardCharsets.US_ASCII)))
                .isPresent();
    }

    /**
     * The person stored the code shown ({@code code}, sent back by the page): it becomes the account's emergency
     * code, replacing the old one. False when that is not the code last shown (another tab showed a newer one).
     */
    public boolean confirmShown(String accountId, String code) {
        return isShown(accountId, code) && factors.confirm(accountId, FactorKind.EMERGENCY_CODE, null);
    }

    /** Spends the account's code if this is it: true once, for exactly one caller. */
    public boolean use(String accountId, String input) {
        String normalized = normalize(input);
        return normalized.length() == LENGTH && factors.spend(accountId, FactorKind.EMERGENCY_CODE, hash(normalized));
    }

    static String generate() {
        StringBuilder code = new StringBuilder(LENGTH + LENGTH / GROUP);
        for (int i = 0; i < LENGTH; i++) {
            if (i > 0 && i % GROUP == 0) {
                code.append('-');
            }
            code.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return code.toString();
    }

    /** Upper case, without the dashes and spaces people type or copy along. */
    static String normalize(String input) {
        if (input == null) {
            return "";
        }
        String upper = input.toUpperCase(Locale.ROOT);
        StringBuilder kept = new StringBuilder(LENGTH);
        for (int i = 0; i < upper.length() && kept.length() <= LENGTH; i++) {
            char c = upper.charAt(i);
            if (ALPHABET.indexOf(c) >= 0) {
                kept.append(c);
            } else if (c != '-' && !Character.isWhitespace(c)) {
                return "";
            }
        }
        return kept.toString();
    }

    private static String hash(String code) {
        return Sha256.hex(normalize(code));
    }
}
