package se.portvakt.testing;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/**
 * The text of axe-core's {@code axe.min.js}, the accessibility rules engine nobody here wrote, from the npm package
 * pinned in {@code interop/axe/} (installed with {@code npm ci} the first time). Read once per test run.
 *
 * <p>Needs Node and npm for that first install. Without them a browser test fails on CI ({@code CI=true}) and is
 * skipped elsewhere.
 */
final class Axe {

    private static String source;

    private Axe() {}

    static synchronized String source() {
        if (source == null) {
            Path folder = findFolder();
            Path script = folder.resolve("node_modules/axe-core/axe.min.js");
            if (!Files.isRegularFile(script)) {
                install(folder);
            }
            try {
                source = Files.readString(script);
            } catch (IOException e) {
                throw new AssertionError("could not read " + script, e);
            }
        }
        return source;
    }

    private static void install(Path folder) {
        List<String> command = List.of("npm", "ci", "--no-audit", "--no-fund", "--prefer-offline");
        Process process;
        Path log;
        try {
            log = Files.createTempFile("npm-ci-axe-", ".log");
        } catch (IOException e) {
            throw new AssertionError("no temporary file for npm's output", e);
        }
        try {
            // Not inheritIO: a child sharing the forked test JVM's stdin and stdout corrupts surefire's channel.
            process = new ProcessBuilder(command).directory(folder.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            process.getOutputStream().close();
        } catch (IOException notInstalled) {
            String message = "npm is not installed, so axe-core cannot be installed for the accessibility checks."
                    + " Install Node 20+ and npm (.ci/run does it with apt-get).";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(message);
            }
            Assumptions.abort(message);
            return;
        }
        try {
            if (!process.waitFor(300, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("npm ci in interop/axe/ did not finish within 300 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while npm ci ran in interop/axe/", e);
        }
        if (process.exitValue() != 0) {
            String output;
            try {
                output = Files.readString(log);
            } catch (IOException e) {
                output = "(its output could not be read: " + e.getMessage() + ")";
            }
            throw new AssertionError("npm ci in interop/axe/ failed (exit " + process.exitValue() + "):\n" + output);
        }
        try {
            Files.deleteIfExists(log);
        } catch (IOException leftBehind) {
            // a temporary file; nothing depends on it
        }
    }

    /** The repository's interop/axe/ folder, found from the working directory (the module folder under Maven). */
    private static Path findFolder() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("interop/axe/package.json"))) {
                return dir.resolve("interop/axe");
            }
        }
        throw new AssertionError("no interop/axe/package.json above " + Path.of("").toAbsolutePath());
    }
}
