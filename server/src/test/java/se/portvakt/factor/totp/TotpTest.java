package se.portvakt.factor.totp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The codes a person's authenticator app shows, and which of them Portvakt accepts when. */
class TotpTest {

    private static final byte[] SHA1_KEY = ascii("12345678901234567890");
    private static final byte[] SHA256_KEY = ascii("12345678901234567890123456789012");
    private static final byte[] SHA512_KEY = ascii("1234567890123456789012345678901234567890123456789012345678901234");
    private static final TotpSecret RFC_SECRET = TotpSecret.of(SHA1_KEY);
    private static final long NOW = 1_234_567_890;

    private final Totp totp = new Totp(Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC));

    /** RFC 6238 Appendix B: the time, its step (T, in hex there) and the 8-digit codes for the three HMACs. */
    @ParameterizedTest
    @CsvSource(textBlock = """
            59,          1,          94287082, 46119246, 90693936
            1111111109,  37037036,   07081804, 68084774, 25091201
            1111111111,  37037037,   14050471, 67062674, 99943326
            1234567890,  41152263,   89005924, 91819424, 93441116
            2000000000,  66666666,   69279037, 90698825, 38618901
            20000000000, 666666666,  65353130, 77737706, 47863826
            """)
    void theRfc6238TestVectorsComeOut(long time, long step, String sha1, String sha256, String sha512) {
        assertThat(Totp.timeStep(Instant.ofEpochSecond(time))).isEqualTo(step);
        assertThat(Totp.codeAt(SHA1_KEY, step, 8, "HmacSHA1")).isEqualTo(sha1);
        assertThat(Totp.codeAt(SHA256_KEY, step, 8, "HmacSHA256")).isEqualTo(sha256);
        assertThat(Totp.codeAt(SHA512_KEY, step, 8, "HmacSHA512")).isEqualTo(sha512);
        // What an authenticator app shows: the same number cut to its last six digits, leading zeros kept.
        assertThat(totp.codeAt(RFC_SECRET, step)).isEqualTo(sha1.substring(2));
    }

    @Test
    void aStepIsThirtySecondsFromTheEpoch() {
        assertThat(Totp.timeStep(Instant.ofEpochSecond(0))).isZero();
        assertThat(Totp.timeStep(Instant.ofEpochSecond(29))).isZero();
        assertThat(Totp.timeStep(Instant.ofEpochSecond(30))).isOne();
        assertThat(Totp.timeStep(Instant.ofEpochSecond(59, 999_999_999))).isOne();
    }

    @Test
    void theCodeOfThisStepIsAcceptedAsThisStep() {
        long now = Totp.timeStep(Instant.ofEpochSecond(NOW));
        assertThat(totp.matchingStep(RFC_SECRET, "005924")).hasValue(now);
    }

    @Test
    void theCodesOfThePreviousAndTheNextStepAreAcceptedAsTheirOwnSteps() {
        long now = Totp.timeStep(Instant.ofEpochSecond(NOW));
        assertThat(totp.matchingStep(RFC_SECRET, totp.codeAt(RFC_SECRET, now - 1))).hasValue(now - 1);
        assertThat(totp.matchingStep(RFC_SECRET, totp.codeAt(RFC_SECRET, now + 1))).hasValue(now + 1);
    }

    @Test
    void codesTwoStepsAwayAreRefused() {
        long now = Totp.timeStep(Instant.ofEpochSecond(NOW));
        assertThat(totp.matchingStep(RFC_SECRET, totp.codeAt(RFC_SECRET, now - 2))).isEmpty();
        assertThat(totp.matchingStep(RFC_SECRET, totp.codeAt(RFC_SECRET, now + 2))).isEmpty();
    }

    @Test
    void theCodeOfAnotherKeyIsRefused() {
        TotpSecret other = TotpSecret.of(ascii("abcdefghijklmnopqrst"));
        long now = Totp.timeStep(Instant.ofEpochSecond(NOW));
        assertThat(totp.matchingStep(RFC_SECRET, totp.codeAt(other, now))).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"005 924", " 005924 ", "00 59 24", "005\u00a0924", "005\t924"})
    void spacesInTheCodeAreIgnored(String typed) {
        assertThat(totp.matchingStep(RFC_SECRET, typed)).isPresent();
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "      ", "05924", "0005924", "005924 1", "00592a", "-05924", "+05924", "005924\u0000",
            "\uff10\uff10\uff15\uff19\uff12\uff14", "\u0660\u0660\u0665\u0669\u0662\u0664", "005-924"})
    void anythingButSixDigitsIsRefusedWithoutAnException(String typed) {
        // Among them the right code in full-width and in Arabic-Indic digits: only ASCII digits are a code.
        assertThat(totp.matchingStep(RFC_SECRET, typed)).isEmpty();
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
