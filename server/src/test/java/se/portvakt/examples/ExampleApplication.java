package se.portvakt.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One of the example applications ({@code examples/}), started from its jar as a separate process as the run
 * command starts it, so that it shares nothing with Portvakt but the protocol. Its output goes to a file under
 * {@code target/} (not the test JVM's, which carries surefire's channel), shown when it does not start.
 */
final class ExampleApplication implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final Process process;
    private final Path log;
    private final String base;

    private ExampleApplication(Process process, Path log, String base) {
        this.process = process;
        this.log = log;
        this.base = base;
    }

    /**
     * Starts {@code ../examples/NAME/target/NAME.jar} on {@code port} with these arguments and waits until its home
     * page answers.
     */
    static ExampleApplication start(String name, int port, List<String> arguments) {
        Path jar = Paths.get("..", "examples", name, "target", name + ".jar").toAbsolutePath().normalize();
        assertThat(Files.isRegularFile(jar)).as("the example's jar %s is missing: run ./mvnw verify from the root"
                + " (or ./mvnw -q -B -pl examples/%s package first)", jar, name).isTrue();
        Path log = Paths.get("target", "examples", name + "-" + port + ".log").toAbsolutePath();
        List<String> command = new ArrayList<>(List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:TieredStopAtLevel=1", "-jar", jar.toString(), "--server.port=" + port));
        command.addAll(arguments);
        try {
            Files.createDirectories(log.getParent());
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            ExampleApplication started = new ExampleApplication(process, log, "http://localhost:" + port);
            started.awaitAnswer();
            return started;
        } catch (IOException e) {
            throw new IllegalStateException("could not start " + jar, e);
        }
    }

    /** Its base URL, {@code http://localhost:PORT}. */
    String base() {
        return base;
    }

    private void awaitAnswer() {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        Instant until = Instant.now().plus(START_TIMEOUT);
        while (Instant.now().isBefore(until)) {
            if (!process.isAlive()) {
                throw new AssertionError("the example stopped (exit " + process.exitValue() + "):\n" + output());
            }
            try {
                HttpResponse<Void> answer = http.send(HttpRequest.newBuilder(URI.create(base + "/")).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (answer.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // Not listening yet.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        close();
        throw new AssertionError("the example did not answer at " + base + " within " + START_TIMEOUT + ":\n" + output());
    }

    /** What it wrote so far (its log file). */
    String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
