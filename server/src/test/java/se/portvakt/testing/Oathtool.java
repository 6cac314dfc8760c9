package se.portvakt.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code oathtool} (Debian package {@code oathtool}, installed by {@code .ci/run}): an independent TOTP
 * implementation, standing in for a person's authenticator app. Without it the tests that use it fail, saying so.
 */
public final class Oathtool {

    private Oathtool() {}

    /** What {@code oathtool --totp -b ARGS} prints (SHA-1, 6 digits, 30 s are its defaults too). */
    public static String totp(String... args) {
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
