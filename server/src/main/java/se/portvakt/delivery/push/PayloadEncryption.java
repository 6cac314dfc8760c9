package se.portvakt.delivery.push;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECFieldFp;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.util.Arrays;
import java.util.Base64;

import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts a push message for one subscription as RFC 8291 says (the {@code aes128gcm} content coding of RFC 8188),
 * so the push service in between sees ciphertext only: ECDH on P-256 between a key pair made for this one message
 * and the subscription's key, HKDF-SHA256 (by hand with HMAC: JDK 17 has no KDF class) keyed by the
 * subscription's auth secret, then AES-128-GCM over the payload and the padding delimiter 0x02, in one record.
 * The body is the RFC 8188 header (salt, record size, the message key's public point as key id) and that record.
 */
final class PayloadEncryption {

    /** The record size that the header names; a push service must accept a body of at least this size. */
    static final int RECORD_SIZE = 4096;

    private static final int SALT_BYTES = 16;
    private static final int AUTH_BYTES = 16;
    private static final int POINT_BYTES = 65;
    private static final int TAG_BYTES = 16;
    private static final int HEADER_BYTES = SALT_BYTES + 4 + 1 + POINT_BYTES;

    /** The largest payload that fits one record and keeps the body within {@link #RECORD_SIZE} (3993 bytes). */
    static final int MAX_PAYLOAD = RECORD_SIZE - HEADER_BYTES - TAG_BYTES - 1;

    private static final byte LAST_RECORD = 0x02;
    private static final byte[] KEY_INFO = "WebPush: info\0".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CEK_INFO = "Content-Encoding: aes128gcm\0".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NONCE_INFO = "Content-Encoding: nonce\0".getBytes(StandardCharsets.US_ASCII);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final ECParameterSpec P256 = p256();

    private PayloadEncryption() {}

    /**
     * A subscription's keys, checked: a point on P-256 in uncompressed form and a 16-byte auth secret.
     *
     * @param point the 65 bytes of the public key as the browser gave them (they enter the key derivation as is)
     */
    record Recipient(ECPublicKey publicKey, byte[] point, byte[] authSecret) {

        /** @throws IllegalArgumentException naming what is wrong with the keys */
        static Recipient of(PushSubscription subscription) {
            byte[] point = base64url(subscription.p256dh(), "p256dh");
            byte[] auth = base64url(subscription.auth(), "auth");
            if (auth.length != AUTH_BYTES) {
                throw new IllegalArgumentException("the auth secret is " + auth.length + " bytes, not " + AUTH_BYTES);
            }
            return new Recipient(PayloadEncryption.publicKey(point), point, auth);
        }
    }

    /** {@code payload} encrypted for the recipient with a new message key pair and salt. */
    static byte[] encrypt(byte[] payload, Recipient to) {
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        return encrypt(payload, to, newKeyPair(), salt);
    }

    /** The same with the message key pair and salt given: RFC 8291's example fixes both. */
    static byte[] encrypt(byte[] payload, Recipient to, KeyPair messageKey, byte[] salt) {
        if (payload.length > MAX_PAYLOAD) {
            throw new IllegalArgumentException("the payload is " + payload.length + " bytes; at most " + MAX_PAYLOAD + " fit");
        }
        try {
            byte[] senderPoint = uncompressed((ECPublicKey) messageKey.getPublic());
            KeyAgreement agreement = KeyAgreement.getInstance("ECDH");
            agreement.init(messageKey.getPrivate());
            agreement.doPhase(to.publicKey(), true);
            byte[] sharedSecret = agreement.generateSecret();

            // RFC 8291 section 3.4: the auth secret and both public keys go into the key, then RFC 8188's derivation.
            byte[] inputKey = hkdf(to.authSecret(), sharedSecret, concat(KEY_INFO, to.point(), senderPoint), 32);
            byte[] contentKey = hkdf(salt, inputKey, CEK_INFO, 16);
            byte[] nonce = hkdf(salt, inputKey, NONCE_INFO, 12);

            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(contentKey, "AES"), new GCMParameterSpec(TAG_BYTES * 8, nonce));
            byte[] record = cipher.doFinal(concat(payload, new byte[] {LAST_RECORD}));

            return ByteBuffer.allocate(HEADER_BYTES + record.length)
                    .put(salt).putInt(RECORD_SIZE).put((byte) senderPoint.length).put(senderPoint).put(record)
                    .array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Web Push encryption failed", e);
        }
    }

    /** A new P-256 key pair for one message. */
    static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK cannot make P-256 keys", e);
        }
    }

    /** The key's point as X9.62 uncompressed bytes: 0x04, then x and y of 32 bytes each. */
    static byte[] uncompressed(ECPublicKey key) {
        return ByteBuffer.allocate(POINT_BYTES).put((byte) 0x04)
                .put(fixed(key.getW().getAffineX())).put(fixed(key.getW().getAffineY())).array();
    }

    /**
     * The P-256 public key of uncompressed point bytes.
     *
     * @throws IllegalArgumentException when they are not 65 bytes starting 0x04, or not a point on the curve (an
     *     ECDH with a point off the curve could leak the message key's bits)
     */
    static ECPublicKey publicKey(byte[] point) {
        if (point.length != POINT_BYTES || point[0] != 0x04) {
            throw new IllegalArgumentException("the public key is not an uncompressed P-256 point (65 bytes, 0x04 first)");
        }
        BigInteger x = new BigInteger(1, Arrays.copyOfRange(point, 1, 33));
        BigInteger y = new BigInteger(1, Arrays.copyOfRange(point, 33, 65));
        BigInteger p = ((ECFieldFp) P256.getCurve().getField()).getP();
        boolean onCurve = x.compareTo(p) < 0 && y.compareTo(p) < 0
                && y.modPow(BigInteger.TWO, p).equals(x.pow(3).add(P256.getCurve().getA().multiply(x))
                        .add(P256.getCurve().getB()).mod(p));
        if (!onCurve) {
            throw new IllegalArgumentException("the public key is not a point on P-256");
        }
        try {
            return (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(new ECPoint(x, y), P256));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("the public key is not usable: " + e.getMessage(), e);
        }
    }

    /** The parameters of P-256, for keys made from their numbers. */
    static ECParameterSpec curve() {
        return P256;
    }

    /** HKDF-SHA256 (RFC 5869) for up to 32 bytes of output: extract, then the first block of expand. */
    private static byte[] hkdf(byte[] salt, byte[] inputKeyMaterial, byte[] info, int length) {
        byte[] pseudoRandomKey = hmac(salt, inputKeyMaterial);
        return Arrays.copyOf(hmac(pseudoRandomKey, concat(info, new byte[] {1})), length);
    }

    private static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }

    private static byte[] concat(byte[]... parts) {
        ByteBuffer joined = ByteBuffer.allocate(Arrays.stream(parts).mapToInt(part -> part.length).sum());
        for (byte[] part : parts) {
            joined.put(part);
        }
        return joined.array();
    }

    /** A coordinate as exactly 32 big-endian bytes (BigInteger gives 31 to 33). */
    private static byte[] fixed(BigInteger coordinate) {
        byte[] bytes = coordinate.toByteArray();
        byte[] fixed = new byte[32];
        int length = Math.min(bytes.length, 32);
        System.arraycopy(bytes, bytes.length - length, fixed, 32 - length, length);
        return fixed;
    }

    private static byte[] base64url(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("the subscription has no " + name + " key");
        }
        try {
            return Base64.getUrlDecoder().decode(value.strip().replace("=", ""));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the subscription's " + name + " key is not base64url", e);
        }
    }

    private static ECParameterSpec p256() {
        try {
            AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
            parameters.init(new ECGenParameterSpec("secp256r1"));
            return parameters.getParameterSpec(ECParameterSpec.class);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK has no P-256", e);
        }
    }
}
