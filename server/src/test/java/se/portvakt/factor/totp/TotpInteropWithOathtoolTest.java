package se.portvakt.factor.totp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import se.portvakt.testing.Oathtool;

/**
 * Portvakt's codes are the codes another implementation computes for the same key and time: OATH Toolkit's
 * {@code oathtool} (Debian package {@code oathtool}, installed by {@code .ci/run}). Without it this test fails
 * rather than skips: an interoperability check that silently never runs protects nothing.
 */
class TotpInteropWithOathtoolTest {

    private static final long[] TIMES = {0, 59, 1_111_111_109, 1_234_567_890, 1_700_000_015, 2_000_000_000, 4_102_444_800L};

    private final Totp totp = new Totp(Clock.systemUTC());

    @Test
    void ourCodesAreOathtoolsForSeveralKeysAndTimes() {
        List<TotpSecret> secrets = List.of(TotpSecret.of("12345678901234567890".getBytes(StandardCharsets.US_ASCII)),
                TotpSecret.generate(), TotpSecret.generate(), TotpSecret.generate());
        for (TotpSecret secret : secrets) {
            for (long time : TIMES) {
                assertThat(totp.codeAt(secret, Totp.timeStep(Instant.ofEpochSecond(time))))
                        .as("the code at %d for %s", time, secret.base32())
                        .isEqualTo(oathtool("--now", "@" + time, secret.base32()));
            }
        }
    }

    @Test
    void theCodeOathtoolShowsNowIsAccepted() {
        TotpSecret secret = TotpSecret.generate();
        String now = oathtool(secret.base32());
        assertThat(totp.matchingStep(secret, now)).isPresent();
    }

    private static String oathtool(String... args) {
        return Oathtool.totp(args);
    }
}
