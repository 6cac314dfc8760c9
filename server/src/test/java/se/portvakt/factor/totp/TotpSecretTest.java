package se.portvakt.factor.totp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The key a person's authenticator app gets: shown as base 32, typed back by hand, never logged. */
class TotpSecretTest {

    /** The RFC 6238 test key, "12345678901234567890", in base 32. */
    private static final String RFC_KEY = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

    @Test
    void aNewSecretHas160RandomBits() {
        TotpSecret one = TotpSecret.generate();
        TotpSecret other = TotpSecret.generate();

        assertThat(one.key()).hasSize(20);
        assertThat(one.base32()).hasSize(32).matches("[A-Z2-7]+");
        assertThat(one).isNotEqualTo(other);
    }

    @Test
    void theKeyIsShownInBase32AndInGroupsOfFourForTyping() {
        TotpSecret secret = TotpSecret.of("12345678901234567890".getBytes(StandardCharsets.US_ASCII));

        assertThat(secret.base32()).isEqualTo(RFC_KEY);
        assertThat(secret.grouped()).isEqualTo("GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ");
    }

    @Test
    void aLastGroupShorterThanFourStaysShort() {
        TotpSecret secret = TotpSecret.of(new byte[16]);
        assertThat(secret.base32()).hasSize(26);
        assertThat(secret.grouped()).isEqualTo("AAAA AAAA AAAA AAAA AAAA AAAA AA");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            RFC_KEY,
            "gezdgnbvgy3tqojqgezdgnbvgy3tqojq",
            "GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ",
            "  gezd gnbv\tgy3t qojq gezd gnbv gy3t qojq ",
            "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ========"})
    void whatAPersonTypesOrAnotherSystemExportsIsRead(String typed) {
        assertThat(TotpSecret.parseBase32(typed))
                .hasValueSatisfying(secret -> assertThat(secret.key()).asString(StandardCharsets.US_ASCII)
                        .isEqualTo("12345678901234567890"));
    }

    @Test
    void aGeneratedSecretSurvivesBothFormsItIsShownIn() {
        TotpSecret secret = TotpSecret.generate();
        assertThat(TotpSecret.parseBase32(secret.base32())).contains(secret);
        assertThat(TotpSecret.parseBase32(secret.grouped())).contains(secret);
        assertThat(TotpSecret.parseBase32(secret.grouped().toLowerCase())).contains(secret);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "GEZDGNBVGY3TQOJQ", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJ1", "GEZD-GNBV-GY3T-QOJQ-GEZD-GNBV-GY3T-QOJQ"})
    void notBase32OrTooShortIsRefusedWithoutAnException(String typed) {
        // 16 characters are 80 bits, below RFC 4226's 128; 1 is not in the alphabet; dashes are not spaces.
        assertThat(TotpSecret.parseBase32(typed)).isEmpty();
    }

    @Test
    void nothingTypedIsRefused() {
        assertThat(TotpSecret.parseBase32(null)).isEmpty();
    }

    @Test
    void keysBelow128OrAbove512BitsAreRefused() {
        assertThatIllegalArgumentException().isThrownBy(() -> TotpSecret.of(new byte[15]));
        assertThatIllegalArgumentException().isThrownBy(() -> TotpSecret.of(new byte[65]));
        assertThat(TotpSecret.of(new byte[64]).key()).hasSize(64);
    }

    @Test
    void theSecretKeepsItsOwnCopyOfTheKey() {
        byte[] key = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);
        TotpSecret secret = TotpSecret.of(key);
        key[0] = 'x';
        secret.key()[1] = 'x';
        assertThat(secret.base32()).isEqualTo(RFC_KEY);
    }

    @Test
    void theKeyNeverAppearsInItsText() {
        TotpSecret secret = TotpSecret.generate();
        assertThat(secret.toString()).isEqualTo("TotpSecret[160 bits]").doesNotContain(secret.base32());
    }
}
