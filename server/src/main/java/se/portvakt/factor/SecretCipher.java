package se.portvakt.factor;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.springframework.stereotype.Component;

import se.portvakt.config.PortvaktProperties;

/**
 * Encrypts the factor secrets that must be kept readable (a TOTP key: the server computes codes from it, so it
 * cannot be hashed) with AES-256-GCM under the key {@value #SETTING}. The associated data is the account id, so
 * a ciphertext copied to another account's row does not decrypt. The token signing keys are sealed with it too
 * (oidc's {@code SigningKeys}), with {@code signing-key:} and the key id as associated data, which no account id
 * is: neither kind of ciphertext passes for the other; so is the Web Push VAPID key ({@code vapid-key:} and its id),
 * and the secrets every node shares (cluster's {@code SharedSecrets}: {@code shared-secret:} and the name).
 *
 * <p>Stored form: {@code v1:} and the base64url (no padding) of a random 12-byte IV followed by the ciphertext
 * and its 16-byte tag. The prefix names the format and the key generation: a key rotation can add a
 * {@code v2:} for the new key while {@code v1:} values are still read with the old one, and re-encrypted
 * when used.
 */
@Component
public class SecretCipher {

    static final String SETTING = "portvakt.factors.encryption-key";

    private static final String VERSION = "v1:";
    private static final String TRANSFORMATION = "AES/GCM/NoPadding";
    private static final int KEY_BYTES = 32;
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKey key;

    /** @throws UnusableEncryptionKey when the key is not set or not base64 of 32 bytes, which stops start-up */
    public SecretCipher(PortvaktProperties properties) {
        this.key = new SecretKeySpec(decodedKey(properties.factors().encryptionKey()), "AES");
    }

    /**
     * {@code plain} encrypted for the account {@code associatedData} (its id), in the stored form above; a new
     * random IV each time, so the same secret never gives the same text twice.
     */
    public String encrypt(byte[] plain, String associatedData) {
        byte[] iv = new byte[IV_BYTES];
        RANDOM.nextBytes(iv);
        try {
            Cipher cipher = cipher(Cipher.ENCRYPT_MODE, iv, associatedData);
            ByteBuffer sealed = ByteBuffer.allocate(IV_BYTES + cipher.getOutputSize(plain.length));
            sealed.put(iv);
            cipher.doFinal(ByteBuffer.wrap(plain), sealed);
            return VERSION + Base64.getUrlEncoder().withoutPadding().encodeToString(sealed.array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed", e);
        }
    }

    /**
     * The secret that {@link #encrypt} sealed for the same account.
     *
     * @throws IllegalStateException when {@code stored} was altered, belongs to another account, was sealed with
     *     another key, or is not in the stored form: never a wrong secret
     */
    public byte[] decrypt(String stored, String associatedData) {
        if (stored == null || !stored.startsWith(VERSION)) {
            throw new IllegalStateException("a stored factor secret has no known format (expected the prefix " + VERSION + ")");
        }
        byte[] sealed;
        try {
            sealed = Base64.getUrlDecoder().decode(stored.substring(VERSION.length()));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("a stored factor secret is not base64url", e);
        }
        if (sealed.length < IV_BYTES + TAG_BITS / 8) {
            throw new IllegalStateException("a stored factor secret is too short to be AES-GCM output");
        }
        try {
            Cipher cipher = cipher(Cipher.DECRYPT_MODE, Arrays.copyOf(sealed, IV_BYTES), associatedData);
            return cipher.doFinal(sealed, IV_BYTES, sealed.length - IV_BYTES);
        } catch (AEADBadTagException e) {
            throw new SealedWithAnotherKey("a stored factor secret does not decrypt: it was altered, belongs to another"
                    + " account, or was encrypted with another " + SETTING, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM decryption failed", e);
        }
    }

    private Cipher cipher(int mode, byte[] iv, String associatedData) throws GeneralSecurityException {
        Objects.requireNonNull(associatedData, "associatedData");
        Cipher cipher = Cipher.getInstance(TRANSFORMATION);
        cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, iv));
        cipher.updateAAD(associatedData.getBytes(StandardCharsets.UTF_8));
        return cipher;
    }

    static byte[] decodedKey(String configured) {
        if (configured == null || configured.isBlank()) {
            throw new UnusableEncryptionKey(SETTING + " is not set");
        }
        byte[] key;
        try {
            key = Base64.getDecoder().decode(configured.strip());
        } catch (IllegalArgumentException e) {
            throw new UnusableEncryptionKey(SETTING + " is not base64");
        }
        if (key.length != KEY_BYTES) {
            throw new UnusableEncryptionKey(SETTING + " is " + key.length + " bytes after base64 decoding, not " + KEY_BYTES);
        }
        return key;
    }
}
