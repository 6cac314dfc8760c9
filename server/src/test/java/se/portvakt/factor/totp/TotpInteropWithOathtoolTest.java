package se.portvakt.factor.totp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

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

    /** What {@code oathtool --totp -b ARGS} prints (SHA-1, 6 digits, 30 s are its defaults too). */
    private static String oathtool(String... args) {
        List<String> command = new ArrayList<>(List.of("oathtool", "--totp", "-b"));
        command.addAll(List.of(args));
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError("oathtool is needed for this test and could not be run (" + e.getMessage()
                    + "); install the Debian package oathtool, as .ci/run does", e);
        }
        try {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
            assertThat(process.waitFor(10, TimeUnit.SECONDS)).as("oathtool finished").isTrue();
            assertThat(process.exitValue()).as("oathtool %s: %s", command, output).isZero();
            assertThat(output).matches("\\d{6}");
            return output;
        } catch (IOException e) {
            throw new AssertionError("could not read oathtool's answer", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted waiting for oathtool", e);
        }
    }
}
