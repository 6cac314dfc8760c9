package se.portvakt.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import se.portvakt.delivery.push.PushSubscription;

/**
 * A Web Push service nobody here wrote, on 127.0.0.1: {@code interop/web-push/push-service.js} runs the npm package
 * web-push-testing, which speaks RFC 8030, checks the VAPID token's ES256 signature and expiry and that its
 * {@code k} is the key the subscription was made with, and decrypts the aes128gcm body with the subscription's own
 * keys (http_ece). Tests subscribe here as a browser subscribes at its push service, and read what arrived.
 *
 * <p>Needs Node and npm (it runs {@code npm ci} the first time). Without Node a test using it fails on CI
 * ({@code CI=true}) and is skipped elsewhere.
 */
public final class LocalPushService implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Path log;
    private final Process process;
    private final HttpAgent http;
    private final String origin;

    /** A subscription at this service: what a browser gives the app, and the service's name for it. */
    public record Subscription(PushSubscription push, String clientHash) {}

    private LocalPushService(Path log, Process process, String origin) {
        this.log = log;
        this.process = process;
        this.origin = origin;
        this.http = new HttpAgent(origin);
    }

    /** Starts the service on a free port and waits until it answers. */
    public static LocalPushService start() throws Exception {
        Path folder = findFolder();
        nodeAndPackage(folder);
        int port = freePort();
        Path log = Files.createTempFile("push-service", ".log");
        Process process = new ProcessBuilder("node", "push-service.js", String.valueOf(port)).directory(folder.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        LocalPushService service = new LocalPushService(log, process, "http://127.0.0.1:" + port);
        service.awaitStatus(port);
        return service;
    }

    /** {@code http://127.0.0.1:port}. */
    public String origin() {
        return origin;
    }

    /** The service's own HTTP API (web-push-testing's, plus {@code /get-headers}). */
    public HttpAgent http() {
        return http;
    }

    /** A new subscription for this VAPID public key (base64url, as {@code /authenticator/api/push-key} gives it). */
    public Subscription subscribe(String applicationServerKey) throws Exception {
        HttpResponse<String> answer = http.postRaw("/subscribe", "application/json", JSON.writeValueAsBytes(
                Map.of("userVisibleOnly", "true", "applicationServerKey", applicationServerKey)));
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        JsonNode data = JSON.readTree(answer.body()).get("data");
        assertThat(data.get("endpoint").asString()).startsWith(origin + "/notify/");
        return new Subscription(new PushSubscription(data.get("endpoint").asString(), data.at("/keys/p256dh").asString(),
                data.at("/keys/auth").asString()), data.get("clientHash").asString());
    }

    /** POSTs {@code {"clientHash": ...}} to one of the service's calls and answers its JSON. */
    public JsonNode call(String path, Subscription subscription) throws Exception {
        HttpResponse<String> answer = http.postRaw(path, "application/json",
                JSON.writeValueAsBytes(Map.of("clientHash", subscription.clientHash())));
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return JSON.readTree(answer.body());
    }

    /** The decrypted payloads that arrived for the subscription, oldest first. */
    public List<String> messages(Subscription subscription) throws Exception {
        return strings(call("/get-notifications", subscription).at("/data/messages"));
    }

    public static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asString()));
        return values;
    }

    /** The service's own output, for a failure's message (it prints why it refused a token). */
    public String log() {
        try {
            return "push service output:\n" + Files.readString(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A port on which nothing listens now. */
    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() throws IOException {
        process.destroy();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Files.deleteIfExists(log);
    }

    private static void nodeAndPackage(Path folder) throws Exception {
        if (exitOf(folder, List.of("node", "--version"), 30) != 0) {
            String message = "Node is not installed (or `node --version` failed), so the Web Push interop test cannot run."
                    + " Install Node 20+ and npm (.ci/run does it with apt-get).";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(message);
            }
            Assumptions.abort(message);
        }
        if (!Files.isRegularFile(folder.resolve("node_modules/web-push-testing/package.json"))) {
            assertThat(exitOf(folder, List.of("npm", "ci", "--no-audit", "--no-fund", "--prefer-offline"), 300))
                    .as("npm ci in interop/web-push/").isZero();
        }
    }

    /**
     * The exit value of a command run in the folder, its output printed to the test's own (through System.out, which
     * surefire captures); -1 when it cannot start. Not inheritIO: a child sharing the forked test JVM's stdin and
     * stdout corrupts surefire's channel (node makes the inherited stdin non-blocking).
     */
    private static int exitOf(Path folder, List<String> command, long timeoutSeconds) throws InterruptedException {
        Process process;
        Path log;
        try {
            log = Files.createTempFile("command-", ".log");
        } catch (IOException e) {
            throw new AssertionError("no temporary file for the output of " + String.join(" ", command), e);
        }
        try {
            process = new ProcessBuilder(command).directory(folder.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            process.getOutputStream().close();
        } catch (IOException notInstalled) {
            return -1;
        }
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish within " + timeoutSeconds + " s");
        }
        try {
            System.out.print(Files.readString(log));
            Files.deleteIfExists(log);
        } catch (IOException e) {
            System.out.println("(the output of " + String.join(" ", command) + " could not be read: " + e + ")");
        }
        return process.exitValue();
    }

    private void awaitStatus(int port) throws Exception {
        for (int tries = 0; tries < 200; tries++) {
            if (!process.isAlive()) {
                throw new AssertionError("the push service stopped: " + log());
            }
            try {
                new Socket(InetAddress.getLoopbackAddress(), port).close();
            } catch (IOException notYetListening) {
                Thread.sleep(100);
                continue;
            }
            assertThat(http.postRaw("/status", "application/json", new byte[0]).statusCode()).isEqualTo(200);
            return;
        }
        throw new AssertionError("the push service did not start within 20 s: " + log());
    }

    /** The repository's interop/web-push/ folder, found from the working directory (the module folder under Maven). */
    private static Path findFolder() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("interop/web-push/package.json"))) {
                return dir.resolve("interop/web-push");
            }
        }
        throw new AssertionError("no interop/web-push/package.json above " + Path.of("").toAbsolutePath());
    }
}
