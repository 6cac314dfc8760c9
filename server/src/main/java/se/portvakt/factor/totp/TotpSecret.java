package se.portvakt.factor.totp;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Optional;

/**
 * The key that a person's authenticator app and Portvakt share (journey step 4, "Set up authenticator app"):
 * 128 to 512 bits, 160 when Portvakt makes it (RFC 4226 asks for at least 128 and recommends 160). It never
 * shows itself in {@link #toString()}, so it cannot end up in a log by accident.
 */
public final class TotpSecret {

    static final int GENERATED_BYTES = 20;
    static final int MIN_BYTES = 16;
    static final int MAX_BYTES = 64;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] key;

    private TotpSecret(byte[] key) {
        if (key.length < MIN_BYTES || key.length > MAX_BYTES) {
            throw new IllegalArgumentException("a TOTP key has " + MIN_BYTES + " to " + MAX_BYTES + " bytes, not " + key.length);
        }
        this.key = key.clone();
    }

    /** A new random key of 160 bits. */
    public static TotpSecret generate() {
        byte[] key = new byte[GENERATED_BYTES];
        RANDOM.nextBytes(key);
        return new TotpSecret(key);
    }

    /**
     * The secret with this key (a copy is kept), for example as decrypted from the store.
     *
     * @throws IllegalArgumentException when the key is shorter than 128 or longer than 512 bits
     */
    public static TotpSecret of(byte[] key) {
        return new TotpSecret(key);
    }

    /**
     * The secret that a person typed or another system exported in base 32: lower case, spaces and padding are
     * accepted; empty when it is not base 32 or not 128 to 512 bits long.
     */
    public static Optional<TotpSecret> parseBase32(String text) {
        if (text == null) {
            return Optional.empty();
        }
        StringBuilder canonical = new StringBuilder(text.length());
        text.codePoints().filter(c -> !Character.isWhitespace(c) && !Character.isSpaceChar(c))
                .map(Character::toUpperCase).forEach(canonical::appendCodePoint);
        int end = canonical.length();
        while (end > 0 && canonical.charAt(end - 1) == '=') {
            end--;
        }
        return Base32.decode(canonical.substring(0, end))
                .filter(key -> key.length >= MIN_BYTES && key.length <= MAX_BYTES)
                .map(TotpSecret::new);
    }

    /** A copy of the key. */
    public byte[] key() {
        return key.clone();
    }

    /** The key in RFC 4648 base 32, upper case and without padding, as the {@code otpauth://} URI carries it. */
    public String base32() {
        return Base32.encode(key);
    }

    /** The base 32 in groups of four separated by spaces, for a person typing it by hand into the app. */
    public String grouped() {
        String plain = base32();
        StringBuilder grouped = new StringBuilder(plain.length() + plain.length() / 4);
        for (int i = 0; i < plain.length(); i += 4) {
            if (i > 0) {
                grouped.append(' ');
            }
            grouped.append(plain, i, Math.min(i + 4, plain.length()));
        }
        return grouped.toString();
    }

    /** Whether both have the same key, compared in constant time. */
    @Override
    public boolean equals(Object other) {
        return other instanceof TotpSecret that && MessageDigest.isEqual(key, that.key);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(key);
    }

    /** Says what it is, never the key. */
    @Override
    public String toString() {
        return "TotpSecret[" + key.length * 8 + " bits]";
    }
}
