package se.portvakt.factor.totp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Base 32 as RFC 4648 defines it, section 10's test vectors without their padding. */
class Base32Test {

    @ParameterizedTest
    @CsvSource(textBlock = """
            '',       ''
            f,        MY
            fo,       MZXQ
            foo,      MZXW6
            foob,     MZXW6YQ
            fooba,    MZXW6YTB
            foobar,   MZXW6YTBOI
            """)
    void theRfcVectorsEncodeAndDecode(String plain, String encoded) {
        byte[] bytes = plain.getBytes(StandardCharsets.US_ASCII);
        assertThat(Base32.encode(bytes)).isEqualTo(encoded);
        assertThat(Base32.decode(encoded)).hasValueSatisfying(decoded -> assertThat(decoded).isEqualTo(bytes));
    }

    @ParameterizedTest
    @ValueSource(strings = {"M", "MZX", "MZXW6Y", "MZXW6YTBO", "MY======", "mzxw6", "MZXW1", "MZ"})
    void whatNoByteStringEncodesToIsRefused(String text) {
        // Lengths 1, 3 and 6 (mod 8) encode nothing; padding, lower case and 0/1/8/9 are not in the alphabet;
        // "MZ" leaves a non-zero bit after the byte "f" ("MY" is its only encoding).
        assertThat(Base32.decode(text)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 16, 20, 21, 32, 64})
    void everyByteValueAtEveryLengthSurvivesTheRoundTrip(int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (i * 73 + length * 11);
        }
        assertThat(Base32.decode(Base32.encode(bytes))).hasValueSatisfying(decoded -> assertThat(decoded).isEqualTo(bytes));
    }
}
