package se.portvakt.factor.push;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * A pairing code shown to a signed-in person (decision 0019): 12 characters of an alphabet without look-alikes
 * (60 bits), shown {@code XXXX-XXXX-XXXX}, in a QR code of {@link #link}; stored only as its SHA-256.
 */
public record PairingCode(String code, Instant expiresAt) {

    static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    static final int LENGTH = 12;

    private static final SecureRandom RANDOM = new SecureRandom();

    public PairingCode {
        if (normalized(code).filter(code::equals).isEmpty()) {
            throw new IllegalArgumentException("not a pairing code");
        }
    }

    /** As the person reads and types it: {@code ABCD-EFGH-JKLM}. */
    public String displayed() {
        return code.substring(0, 4) + '-' + code.substring(4, 8) + '-' + code.substring(8);
    }

    /** The link in the QR code; the code is in the fragment, so it stays out of server logs and {@code Referer}. */
    public String link(String issuer) {
        return issuer + "/authenticator/#pair=" + code;
    }

    /** A new random code. */
    static String random() {
        StringBuilder code = new StringBuilder(LENGTH);
        for (int i = 0; i < LENGTH; i++) {
            code.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return code.toString();
    }

    /** The code as typed (any case, spaces and dashes ignored), if it can be a pairing code at all. */
    static Optional<String> normalized(String typed) {
        if (typed == null || typed.length() > 40) {
            return Optional.empty();
        }
        String code = typed.replace(" ", "").replace("-", "").toUpperCase(Locale.ROOT);
        if (code.length() != LENGTH || !code.chars().allMatch(c -> ALPHABET.indexOf(c) >= 0)) {
            return Optional.empty();
        }
        return Optional.of(code);
    }
}
