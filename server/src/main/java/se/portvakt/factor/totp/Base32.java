package se.portvakt.factor.totp;

import java.util.Optional;

/**
 * RFC 4648 base 32 (upper case, no padding), the form in which authenticator apps show and take a key. Nothing
 * on the server's class path offers it, and it is a few lines.
 */
final class Base32 {

    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    private Base32() {}

    static String encode(byte[] bytes) {
        StringBuilder text = new StringBuilder((bytes.length * 8 + 4) / 5);
        int buffer = 0;
        int bits = 0;
        for (byte b : bytes) {
            buffer = (buffer << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5) {
                bits -= 5;
                text.append(ALPHABET.charAt((buffer >> bits) & 31));
            }
        }
        if (bits > 0) {
            text.append(ALPHABET.charAt((buffer << (5 - bits)) & 31));
        }
        return text.toString();
    }

    /**
     * The bytes of upper-case base 32 without padding, or empty when a character is outside the alphabet, the
     * length is one that no byte string encodes to, or the unused bits at the end are not zero (so that every
     * byte string has exactly one accepted text).
     */
    static Optional<byte[]> decode(String text) {
        int remainder = text.length() % 8;
        if (remainder == 1 || remainder == 3 || remainder == 6) {
            return Optional.empty();
        }
        byte[] bytes = new byte[text.length() * 5 / 8];
        int buffer = 0;
        int bits = 0;
        int next = 0;
        for (int i = 0; i < text.length(); i++) {
            int value = ALPHABET.indexOf(text.charAt(i));
            if (value < 0) {
                return Optional.empty();
            }
            buffer = (buffer << 5) | value;
            bits += 5;
            if (bits >= 8) {
                bits -= 8;
                bytes[next++] = (byte) (buffer >> bits);
            }
        }
        if ((buffer & ((1 << bits) - 1)) != 0) {
            return Optional.empty();
        }
        return Optional.of(bytes);
    }
}
