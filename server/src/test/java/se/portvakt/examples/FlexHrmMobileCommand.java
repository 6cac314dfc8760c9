package se.portvakt.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Flex HRM Mobile example ({@code examples/flex-hrm-mobile/target/flex-hrm-mobile.jar}) running as a person runs
 * it, in a process of its own; its output goes to files under {@code target/flex-hrm-mobile/}, read as it comes.
 */
final class FlexHrmMobileCommand implements AutoCloseable {

    private static final String JAR = "examples/flex-hrm-mobile/target/flex-hrm-mobile.jar";
    private static final Pattern SIGN_IN_ADDRESS = Pattern.compile("^ {2}(http\\S+/oauth2/authorize\\?\\S+)$", Pattern.MULTILINE);

    private final Process process;
    private final Path out;
    private final Path err;

    private FlexHrmMobileCommand(Process process, Path out, Path err) {
        this.process = process;
        this.out = out;
        this.err = err;
    }

    /** Starts {@code java -jar flex-hrm-mobile.jar --issuer ISSUER --client-id ... --no-browser} and more arguments. */
    static FlexHrmMobileCommand start(String issuer, String clientId, String... more) throws IOException {
        Path jar = jar();
        Path folder = Files.createDirectories(Path.of("target", "flex-hrm-mobile"));
        Path out = Files.createTempFile(folder, "out-", ".txt");
        Path err = Files.createTempFile(folder, "err-", ".txt");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString(), "--issuer", issuer, "--client-id", clientId, "--no-browser", "--timeout", "60"));
        command.addAll(List.of(more));
        Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        return new FlexHrmMobileCommand(process, out, err);
    }

    /** The address the command asks the person to open in the browser, once it has printed it. */
    URI signInAddress() {
        Instant until = Instant.now().plus(Duration.ofSeconds(30));
        while (Instant.now().isBefore(until)) {
            Matcher matcher = SIGN_IN_ADDRESS.matcher(stdout());
            if (matcher.find()) {
                return URI.create(matcher.group(1));
            }
            assertThat(process.isAlive()).as("the command ended before printing the sign-in address:\n%s", output()).isTrue();
            pause();
        }
        throw new AssertionError("the command printed no sign-in address within 30 s:\n" + output());
    }

    /** Waits for the command to end and returns its exit code. */
    int exitCode() throws InterruptedException {
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            throw new AssertionError("the command did not end within 60 s:\n" + output());
        }
        return process.exitValue();
    }

    String stdout() {
        return read(out);
    }

    String stderr() {
        return read(err);
    }

    /** Both outputs, for an assertion's message. */
    String output() {
        return "--- stdout\n" + stdout() + "\n--- stderr\n" + stderr();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            try {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The runnable jar, built by the example's module before the server's tests run. */
    private static Path jar() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("examples/flex-hrm-mobile"))) {
                Path jar = dir.resolve(JAR);
                assertThat(jar).as("%s is missing: run ./mvnw verify from the root (or ./mvnw -pl"
                        + " examples/flex-hrm-mobile package) before this test", jar).isRegularFile();
                return jar;
            }
        }
        throw new AssertionError("no examples/flex-hrm-mobile above " + Path.of("").toAbsolutePath()
                + ": run ./mvnw verify from the root");
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
