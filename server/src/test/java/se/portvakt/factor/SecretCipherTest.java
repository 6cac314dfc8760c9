package se.portvakt.factor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import se.portvakt.config.PortvaktProperties;
import se.portvakt.testing.TestDatabase;

/** A person's authenticator-app key at rest: readable only for their account, with the server's key. */
class SecretCipherTest {

    private static final String ANNA = "0b9d6a1e-7c61-4d8e-9a57-3f1c2e4b5a60";
    private static final String ERIK = "5f2c8e41-0a3b-4c7d-8e9f-1a2b3c4d5e6f";
    private static final byte[] TOTP_KEY = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);

    private final SecretCipher cipher = cipherWithKey(TestDatabase.FACTORS_ENCRYPTION_KEY);

    @Test
    void theSecretComesBackForTheSameAccount() {
        String stored = cipher.encrypt(TOTP_KEY, ANNA);
        assertThat(cipher.decrypt(stored, ANNA)).isEqualTo(TOTP_KEY);
    }

    @Test
    void theStoredFormIsVersionedBase64urlOfIvCiphertextAndTag() {
        String stored = cipher.encrypt(TOTP_KEY, ANNA);
        assertThat(stored).startsWith("v1:").matches("v1:[A-Za-z0-9_-]+");
        assertThat(Base64.getUrlDecoder().decode(stored.substring(3))).hasSize(12 + TOTP_KEY.length + 16);
        assertThat(stored).doesNotContain(Base64.getUrlEncoder().withoutPadding().encodeToString(TOTP_KEY));
    }

    @Test
    void twoEncryptionsOfTheSameSecretDiffer() {
        String first = cipher.encrypt(TOTP_KEY, ANNA);
        String second = cipher.encrypt(TOTP_KEY, ANNA);
        assertThat(first).isNotEqualTo(second);
        assertThat(iv(first)).as("random IVs").isNotEqualTo(iv(second));
        assertThat(cipher.decrypt(second, ANNA)).isEqualTo(cipher.decrypt(first, ANNA));
    }

    @Test
    void aChangeToAnyBitOfIvCiphertextOrTagIsRefused() {
        byte[] sealed = Base64.getUrlDecoder().decode(cipher.encrypt(TOTP_KEY, ANNA).substring(3));
        for (int i = 0; i < sealed.length; i++) {
            byte[] tampered = sealed.clone();
            tampered[i] ^= 0x01;
            String stored = "v1:" + Base64.getUrlEncoder().withoutPadding().encodeToString(tampered);
            assertThatIllegalStateException().as("byte %d changed", i).isThrownBy(() -> cipher.decrypt(stored, ANNA))
                    .withMessageContaining("does not decrypt");
        }
    }

    @Test
    void aSecretCopiedToAnotherAccountDoesNotDecrypt() {
        String annas = cipher.encrypt(TOTP_KEY, ANNA);
        assertThatIllegalStateException().isThrownBy(() -> cipher.decrypt(annas, ERIK))
                .withMessageContaining("belongs to another account");
    }

    @Test
    void anotherKeyCannotReadIt() {
        SecretCipher other = cipherWithKey(Base64.getEncoder().encodeToString(new byte[32]));
        String stored = cipher.encrypt(TOTP_KEY, ANNA);
        assertThatIllegalStateException().isThrownBy(() -> other.decrypt(stored, ANNA))
                .withMessageContaining("another portvakt.factors.encryption-key");
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "v1:", "v1:AAAA", "v2:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "v1:not base64!", "MTIzNDU2Nzg5MDEyMzQ1Njc4OTA"})
    void somethingThatIsNotAStoredSecretIsRefused(String stored) {
        assertThatIllegalStateException().isThrownBy(() -> cipher.decrypt(stored, ANNA));
    }

    @Test
    void anEmptySecretAndALongOneBothWork() {
        assertThat(cipher.decrypt(cipher.encrypt(new byte[0], ANNA), ANNA)).isEmpty();
        byte[] large = new byte[64];
        large[63] = 7;
        assertThat(cipher.decrypt(cipher.encrypt(large, ANNA), ANNA)).isEqualTo(large);
    }

    private static byte[] iv(String stored) {
        return Arrays.copyOf(Base64.getUrlDecoder().decode(stored.substring(3)), 12);
    }

    /** A cipher built as the server builds it: from the bound {@code portvakt.*} settings. */
    static SecretCipher cipherWithKey(String base64Key) {
        Binder settings = new Binder(new MapConfigurationPropertySource(Map.of("portvakt.factors.encryption-key", base64Key)));
        return new SecretCipher(settings.bindOrCreate("portvakt", PortvaktProperties.class));
    }
}
