package se.portvakt.delivery.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import se.portvakt.testing.HttpAgent;
import se.portvakt.testing.TestServer;

/**
 * Web Push against a push service nobody here wrote: {@code interop/web-push/push-service.js} runs the npm package
 * web-push-testing on 127.0.0.1, which speaks RFC 8030, checks the VAPID token's ES256 signature and expiry and
 * that its {@code k} is the key the subscription was made with, and decrypts the aes128gcm body with the
 * subscription's own keys (http_ece). The started server's {@code PushSender} sends; the test subscribes with the
 * key the server publishes at {@code /authenticator/api/push-key}, as the web app does.
 *
 * <p>Needs Node and npm. Without Node the test fails on CI ({@code CI=true}) and is skipped elsewhere.
 */
class WebPushInteropTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration TTL = Duration.ofSeconds(60);
    private static final Pattern VAPID = Pattern.compile("vapid t=([^,\\s]+), k=([A-Za-z0-9_-]+)");

    static Path folder;
    static Path serviceLog;
    static Process service;
    static HttpAgent pushService;
    static String pushOrigin;
    static TestServer server;
    static PushSender sender;
    static String serverKey;

    @BeforeAll
    static void startThePushServiceAndAServer() throws Exception {
        folder = findFolder();
        nodeAndPackage();
        int port = freePort();
        pushOrigin = "http://127.0.0.1:" + port;
        serviceLog = Files.createTempFile("push-service", ".log");
        service = new ProcessBuilder("node", "push-service.js", String.valueOf(port)).directory(folder.toFile())
                .redirectErrorStream(true).redirectOutput(serviceLog.toFile()).start();
        pushService = new HttpAgent(pushOrigin);
        awaitStatus(port);

        server = TestServer.onNewH2(Map.of("portvakt.push.connect-timeout", "1s", "portvakt.push.read-timeout", "2s",
                "portvakt.push.private-endpoints", "true"));
        sender = server.bean(PushSender.class);
        HttpResponse<String> key = new HttpAgent(server.issuer()).get("/authenticator/api/push-key");
        assertThat(key.statusCode()).as(key.body()).isEqualTo(200);
        serverKey = JSON.readTree(key.body()).get("applicationServerKey").asString();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (service != null) {
            service.destroy();
            service.waitFor(10, TimeUnit.SECONDS);
        }
        if (serviceLog != null) {
            Files.deleteIfExists(serviceLog);
        }
    }

    @Test
    void theServerSendsWithWebPushWhenTheDevelopmentOutboxIsOff() {
        assertThat(sender).isInstanceOf(WebPushSender.class);
        assertThat(Base64.getUrlDecoder().decode(serverKey)).hasSize(65).startsWith(4);
    }

    @Test
    void messagesArriveDecryptedIntactWithTheServersVapidToken() throws Exception {
        Subscription subscription = subscribe(serverKey);
        String first = "{\"request\":\"" + UUID.randomUUID() + "\"}";
        String second = "Godkänn inloggningen? ✓ " + "x".repeat(2000);

        assertThat(sender.send(subscription.push(), first.getBytes(StandardCharsets.UTF_8), TTL))
                .as(log()).isEqualTo(new PushOutcome.Delivered());
        assertThat(sender.send(subscription.push(), second.getBytes(StandardCharsets.UTF_8), TTL))
                .as(log()).isEqualTo(new PushOutcome.Delivered());

        JsonNode messages = call("/get-notifications", subscription).at("/data/messages");
        assertThat(strings(messages)).containsExactly(first, second);

        for (JsonNode headers : call("/get-headers", subscription).get("data")) {
            assertThat(headers.get("ttl").asString()).isEqualTo("60");
            assertThat(headers.get("urgency").asString()).isEqualTo("high");
            assertThat(headers.get("contentEncoding").asString()).isEqualTo("aes128gcm");
            assertThat(headers.get("contentType").asString()).isEqualTo("application/octet-stream");
            assertVapidToken(headers.get("authorization").asString());
        }
    }

    @Test
    void aSubscriptionMadeWithAnotherServersKeyIsRefused() throws Exception {
        ECKey another = new ECKeyGenerator(Curve.P_256).generate();
        Subscription subscription = subscribe(Vapid.applicationServerKey(another));

        PushOutcome outcome = sender.send(subscription.push(), "{\"request\":\"r\"}".getBytes(StandardCharsets.UTF_8), TTL);

        assertThat(outcome).isInstanceOf(PushOutcome.Failed.class);
        assertThat(((PushOutcome.Failed) outcome).reason()).startsWith("the push service at " + pushOrigin + " answered 400");
        assertThat(strings(call("/get-notifications", subscription).at("/data/messages"))).isEmpty();
    }

    @Test
    void aSubscriptionThePushServiceExpiredIsGone() throws Exception {
        Subscription subscription = subscribe(serverKey);
        assertThat(pushService.postRaw("/expire-subscription/" + subscription.clientHash(), "application/json", new byte[0])
                .statusCode()).isEqualTo(200);

        assertThat(sender.send(subscription.push(), "{\"request\":\"r\"}".getBytes(StandardCharsets.UTF_8), TTL))
                .isEqualTo(new PushOutcome.Gone());
    }

    @Test
    void aPushServiceThatIsDownFailsFast() throws Exception {
        Subscription subscription = subscribe(serverKey);
        String nobodyListens = "http://127.0.0.1:" + freePort() + "/notify/" + subscription.clientHash();
        PushSubscription toNowhere = new PushSubscription(nobodyListens, subscription.push().p256dh(), subscription.push().auth());

        long started = System.nanoTime();
        PushOutcome outcome = sender.send(toNowhere, "{\"request\":\"r\"}".getBytes(StandardCharsets.UTF_8), TTL);

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));
        assertThat(outcome).isInstanceOf(PushOutcome.Failed.class);
        assertThat(((PushOutcome.Failed) outcome).reason()).startsWith("the push service at http://127.0.0.1:")
                .contains("could not be reached").doesNotContain(subscription.clientHash());
    }

    @Test
    void aPushServiceThatNeverAnswersFailsAtTheReadTimeout() throws Exception {
        Subscription subscription = subscribe(serverKey);
        // The connection is made (the backlog takes it), but nobody ever reads or answers.
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            PushSubscription toSilence = new PushSubscription("http://127.0.0.1:" + silent.getLocalPort() + "/push/1",
                    subscription.push().p256dh(), subscription.push().auth());

            long started = System.nanoTime();
            PushOutcome outcome = sender.send(toSilence, "{\"request\":\"r\"}".getBytes(StandardCharsets.UTF_8), TTL);

            assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(Duration.ofMillis(1900), Duration.ofSeconds(4));
            assertThat(outcome).isEqualTo(new PushOutcome.Failed(
                    "the push service at http://127.0.0.1:" + silent.getLocalPort() + " did not answer within 2 s"));
        }
    }

    @Test
    void onlyHttpEndpointsAreSentTo() throws Exception {
        Subscription subscription = subscribe(serverKey);
        for (String endpoint : List.of("file:///etc/passwd", "ftp://127.0.0.1/push", "/notify/relative",
                "http://user:secret@127.0.0.1/push", "http:///no-host", "not a url", "")) {
            PushOutcome outcome = sender.send(new PushSubscription(endpoint, subscription.push().p256dh(),
                    subscription.push().auth()), new byte[] {1}, TTL);
            assertThat(outcome).as(endpoint).isInstanceOf(PushOutcome.Failed.class);
            assertThat(((PushOutcome.Failed) outcome).reason()).as(endpoint).startsWith("not sent: ");
        }
    }

    /** The token the push service checked the signature of: for its origin, from this server, not for long. */
    private static void assertVapidToken(String authorization) throws Exception {
        Matcher vapid = VAPID.matcher(authorization);
        assertThat(vapid.matches()).as(authorization).isTrue();
        assertThat(vapid.group(2)).isEqualTo(serverKey);

        SignedJWT token = SignedJWT.parse(vapid.group(1));
        assertThat(token.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.ES256);
        assertThat(token.verify(new ECDSAVerifier(PayloadEncryption.publicKey(Base64.getUrlDecoder().decode(serverKey)))))
                .isTrue();
        assertThat(token.getJWTClaimsSet().getAudience()).containsExactly(pushOrigin);
        assertThat(token.getPayload().toJSONObject().get("aud")).as("one audience, as a string").isEqualTo(pushOrigin);
        assertThat(token.getJWTClaimsSet().getSubject()).isEqualTo("mailto:postmaster@localhost");
        Instant expires = token.getJWTClaimsSet().getExpirationTime().toInstant();
        assertThat(expires).isAfter(Instant.now().plus(Duration.ofHours(11)))
                .isBefore(Instant.now().plus(Duration.ofHours(24)));
    }

    record Subscription(PushSubscription push, String clientHash) {}

    private static Subscription subscribe(String applicationServerKey) throws Exception {
        HttpResponse<String> answer = pushService.postRaw("/subscribe", "application/json", JSON.writeValueAsBytes(
                Map.of("userVisibleOnly", "true", "applicationServerKey", applicationServerKey)));
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        JsonNode data = JSON.readTree(answer.body()).get("data");
        assertThat(data.get("endpoint").asString()).startsWith(pushOrigin + "/notify/");
        return new Subscription(new PushSubscription(data.get("endpoint").asString(), data.at("/keys/p256dh").asString(),
                data.at("/keys/auth").asString()), data.get("clientHash").asString());
    }

    private static JsonNode call(String path, Subscription subscription) throws Exception {
        HttpResponse<String> answer = pushService.postRaw(path, "application/json",
                JSON.writeValueAsBytes(Map.of("clientHash", subscription.clientHash())));
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return JSON.readTree(answer.body());
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asString()));
        return values;
    }

    /** The push service's own output, for a failure's message (it prints why it refused a token). */
    private static String log() throws IOException {
        return "push service output:\n" + Files.readString(serviceLog);
    }

    private static void nodeAndPackage() throws Exception {
        if (exitOf(List.of("node", "--version"), 30) != 0) {
            String message = "Node is not installed (or `node --version` failed), so the Web Push interop test cannot run."
                    + " Install Node 20+ and npm (.ci/run does it with apt-get).";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(message);
            }
            Assumptions.abort(message);
        }
        if (!Files.isRegularFile(folder.resolve("node_modules/web-push-testing/package.json"))) {
            assertThat(exitOf(List.of("npm", "ci", "--no-audit", "--no-fund", "--prefer-offline"), 300))
                    .as("npm ci in interop/web-push/").isZero();
        }
    }

    /** The exit value of a command run in the folder, its output going to the test's own; -1 when it cannot start. */
    private static int exitOf(List<String> command, long timeoutSeconds) throws InterruptedException {
        Process process;
        try {
            process = new ProcessBuilder(command).directory(folder.toFile()).inheritIO().start();
        } catch (IOException notInstalled) {
            return -1;
        }
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish within " + timeoutSeconds + " s");
        }
        return process.exitValue();
    }

    private static void awaitStatus(int port) throws Exception {
        for (int tries = 0; tries < 200; tries++) {
            if (!service.isAlive()) {
                throw new AssertionError("the push service stopped: " + log());
            }
            try {
                new Socket(InetAddress.getLoopbackAddress(), port).close();
            } catch (IOException notYetListening) {
                Thread.sleep(100);
                continue;
            }
            assertThat(pushService.postRaw("/status", "application/json", new byte[0]).statusCode()).isEqualTo(200);
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

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
