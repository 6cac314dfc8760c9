package se.portvakt.factor;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.springframework.stereotype.Component;

import se.portvakt.config.PortvaktProperties;

/**
 * HMAC-SHA256 under a key derived from {@value SecretCipher#SETTING}: how short codes (six SMS digits) are
 * stored. A plain hash of a million possible codes is undone by trying them all; without the server's key, a
 * copy of the database alone gives nothing to try them against.
 */
@Component
public class KeyedHash {

    private static final String ALGORITHM = "HmacSHA256";
    /** Derives a key of its own, so the AES key is never used for anything but AES. */
    private static final String DERIVATION_LABEL = "portvakt keyed hash of short codes v1";

    private final SecretKeySpec key;

    public KeyedHash(PortvaktProperties properties) {
        byte[] master = SecretCipher.decodedKey(properties.factors().encryptionKey());
        this.key = new SecretKeySpec(mac(new SecretKeySpec(master, ALGORITHM), DERIVATION_LABEL.getBytes(
                StandardCharsets.UTF_8)), ALGORITHM);
    }

    /** The hex HMAC of the salt and the code, for one use ({@code purpose}) only. */
    public String hex(String purpose, byte[] salt, String code) {
        byte[] p = purpose.getBytes(StandardCharsets.UTF_8);
        byte[] c = code.getBytes(StandardCharsets.UTF_8);
        // Lengths first, so no two different (purpose, salt, code) give the same input.
        byte[] input = ByteBuffer.allocate(8 + p.length + salt.length + c.length)
                .putInt(p.length).put(p).putInt(salt.length).put(salt).put(c).array();
        return HexFormat.of().formatHex(mac(key, input));
    }

    private static byte[] mac(SecretKeySpec key, byte[] input) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac.doFinal(input);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is part of every JDK", e);
        }
    }
}
