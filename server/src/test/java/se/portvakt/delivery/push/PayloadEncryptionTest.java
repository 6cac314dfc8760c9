package se.portvakt.delivery.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.spec.ECPrivateKeySpec;
import java.util.Arrays;
import java.util.Base64;

import org.junit.jupiter.api.Test;

/**
 * The payload encryption of Web Push gives exactly the message of RFC 8291's example (section 5, with the keys
 * and salt of its appendix A): the same key derivation, record and header as every browser decrypts. That the
 * message decrypts at the other end is {@code WebPushInteropTest}'s part, with a decryption nobody here wrote.
 */
class PayloadEncryptionTest {

    // RFC 8291, appendix A and section 5.
    private static final String PLAINTEXT = "When I grow up, I want to be a watermelon";
    private static final String AS_PRIVATE = "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw";
    private static final String AS_PUBLIC =
            "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8";
    private static final String UA_PUBLIC =
            "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4";
    private static final String AUTH_SECRET = "BTBZMqHH6r4Tts7J_aSIgg";
    private static final String SALT = "DGv6ra1nlYgDCS1FRnbzlw";
    private static final String MESSAGE = "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocIn"
            + "mYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN";

    private static final PushSubscription RFC_SUBSCRIPTION =
            new PushSubscription("https://push.example.net/push/JzLQ3raZJfFBR0aqvOMsLrt54w4rJUsV", UA_PUBLIC, AUTH_SECRET);

    @Test
    void theRfcExampleKeysAndSaltGiveTheRfcMessageByteForByte() throws Exception {
        byte[] message = PayloadEncryption.encrypt(PLAINTEXT.getBytes(StandardCharsets.UTF_8),
                PayloadEncryption.Recipient.of(RFC_SUBSCRIPTION), rfcSenderKeys(), decode(SALT));

        assertThat(encode(message)).isEqualTo(MESSAGE);
    }

    @Test
    void eachMessageHasItsOwnKeyAndSalt() {
        PayloadEncryption.Recipient recipient = PayloadEncryption.Recipient.of(RFC_SUBSCRIPTION);
        byte[] payload = "{\"request\":\"r1\"}".getBytes(StandardCharsets.UTF_8);

        byte[] first = PayloadEncryption.encrypt(payload, recipient);
        byte[] second = PayloadEncryption.encrypt(payload, recipient);

        // Header: salt (16), record size (4), key id length (1), the message key's point (65); then one record.
        assertThat(first).hasSize(16 + 4 + 1 + 65 + payload.length + 1 + 16);
        assertThat(Arrays.copyOfRange(first, 16, 21)).containsExactly(0, 0, 0x10, 0, 65);
        assertThat(Arrays.copyOfRange(first, 0, 16)).isNotEqualTo(Arrays.copyOfRange(second, 0, 16));
        assertThat(Arrays.copyOfRange(first, 21, 86)).isNotEqualTo(Arrays.copyOfRange(second, 21, 86));
    }

    @Test
    void theServersPublicPointIsTheOneInTheRfc() throws Exception {
        assertThat(encode(PayloadEncryption.uncompressed(PayloadEncryption.publicKey(decode(AS_PUBLIC))))).isEqualTo(AS_PUBLIC);
    }

    @Test
    void keysThatAreNotASubscriptionsAreRefused() {
        byte[] offCurve = decode(UA_PUBLIC);
        offCurve[64] ^= 1;
        assertRefused(new PushSubscription("https://push.example.net/x", encode(offCurve), AUTH_SECRET), "not a point on P-256");
        assertRefused(new PushSubscription("https://push.example.net/x", UA_PUBLIC.substring(0, 43), AUTH_SECRET),
                "not an uncompressed P-256 point");
        assertRefused(new PushSubscription("https://push.example.net/x", UA_PUBLIC, "c2hvcnQ"), "auth secret is 5 bytes");
        assertRefused(new PushSubscription("https://push.example.net/x", "not*base64", AUTH_SECRET), "not base64url");
        assertRefused(new PushSubscription("https://push.example.net/x", null, AUTH_SECRET), "no p256dh key");
    }

    @Test
    void aPayloadLargerThanOneRecordIsRefused() {
        PayloadEncryption.Recipient recipient = PayloadEncryption.Recipient.of(RFC_SUBSCRIPTION);

        assertThat(PayloadEncryption.encrypt(new byte[PayloadEncryption.MAX_PAYLOAD], recipient)).hasSize(PayloadEncryption.RECORD_SIZE);
        assertThatThrownBy(() -> PayloadEncryption.encrypt(new byte[PayloadEncryption.MAX_PAYLOAD + 1], recipient))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most 3993");
    }

    private static void assertRefused(PushSubscription subscription, String reason) {
        assertThatThrownBy(() -> PayloadEncryption.Recipient.of(subscription))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(reason);
    }

    private static KeyPair rfcSenderKeys() throws Exception {
        PrivateKey privateKey = KeyFactory.getInstance("EC")
                .generatePrivate(new ECPrivateKeySpec(new BigInteger(1, decode(AS_PRIVATE)), PayloadEncryption.curve()));
        return new KeyPair(PayloadEncryption.publicKey(decode(AS_PUBLIC)), privateKey);
    }

    private static byte[] decode(String base64url) {
        return Base64.getUrlDecoder().decode(base64url);
    }

    private static String encode(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
