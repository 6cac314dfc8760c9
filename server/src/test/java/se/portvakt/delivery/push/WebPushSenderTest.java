package se.portvakt.delivery.push;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What each answer of a push service means, against a stand-in on 127.0.0.1 that gives the answers
 * {@code web-push-testing} does not: 202, 404, a 200 (not RFC 8030's answer, so not counted as delivered), a
 * redirect (not followed: the endpoint came from a device), and refusals with long or endless bodies, of which only
 * the start is read.
 */
class WebPushSenderTest {

    private static final byte[] PAYLOAD = "{\"request\":\"r1\"}".getBytes(StandardCharsets.UTF_8);

    private HttpServer service;
    private ExecutorService threads;
    private WebPushSender sender;
    private PushSubscription device;
    private final java.util.concurrent.atomic.AtomicInteger posts = new java.util.concurrent.atomic.AtomicInteger();

    @BeforeEach
    void start() throws Exception {
        threads = Executors.newCachedThreadPool();
        service = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        service.setExecutor(threads);
        service.createContext("/", this::answer);
        service.start();
        sender = new WebPushSender(new Vapid(new ECKeyGenerator(Curve.P_256).generate(), "mailto:ops@example.com"),
                Duration.ofSeconds(1), Duration.ofSeconds(2), Clock.systemUTC(), true);
        byte[] auth = new byte[16];
        new SecureRandom().nextBytes(auth);
        Base64.Encoder base64url = Base64.getUrlEncoder().withoutPadding();
        device = new PushSubscription(url("/"), base64url.encodeToString(PayloadEncryption.uncompressed(
                (ECPublicKey) PayloadEncryption.newKeyPair().getPublic())), base64url.encodeToString(auth));
    }

    @AfterEach
    void stop() {
        service.stop(0);
        threads.shutdownNow();
    }

    @Test
    void createdAndAcceptedAreDelivered() {
        assertThat(send("/201")).isEqualTo(new PushOutcome.Delivered());
        assertThat(send("/202")).isEqualTo(new PushOutcome.Delivered());
    }

    @Test
    void notFoundAndGoneAreGone() {
        assertThat(send("/404")).isEqualTo(new PushOutcome.Gone());
        assertThat(send("/410")).isEqualTo(new PushOutcome.Gone());
    }

    @Test
    void anyOtherAnswerFailsQuotingThePushService() {
        assertThat(send("/200")).isEqualTo(new PushOutcome.Failed(origin() + " answered 200"));
        assertThat(send("/429")).isEqualTo(new PushOutcome.Failed(origin() + " answered 429: {\"reason\": \"TooManyRequests\"}"));
        assertThat(send("/301")).as("a redirect is not followed").isEqualTo(new PushOutcome.Failed(origin() + " answered 301"));
    }

    @Test
    void onlyTheStartOfALongOrEndlessAnswerIsRead() {
        long started = System.nanoTime();
        PushOutcome outcome = send("/endless");

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));
        assertThat(outcome).isEqualTo(new PushOutcome.Failed(origin() + " answered 400: " + "x".repeat(200) + "…"));
    }

    @Test
    void endpointsInsideTheNetworkAreNotSentToUnlessAllowed() throws Exception {
        WebPushSender strict = new WebPushSender(new Vapid(new ECKeyGenerator(Curve.P_256).generate(),
                "mailto:ops@example.com"), Duration.ofSeconds(1), Duration.ofSeconds(2), Clock.systemUTC(), false);
        assertThat(strict.send(new PushSubscription(url("/201"), device.p256dh(), device.auth()), PAYLOAD,
                Duration.ofSeconds(60))).isEqualTo(new PushOutcome.Failed(
                        "not sent: the endpoint is not https (portvakt.push.private-endpoints)"));
        for (String endpoint : List.of("https://127.0.0.1:" + service.getAddress().getPort() + "/201",
                "https://localhost:9/push", "https://10.1.2.3/push",
                "https://192.168.0.1/push", "https://169.254.169.254/latest/meta-data", "https://100.64.0.1/push",
                "https://[fd00::1]/push", "https://[::1]/push", "https://0.0.0.0/push")) {
            assertThat(strict.send(new PushSubscription(endpoint, device.p256dh(), device.auth()), PAYLOAD,
                    Duration.ofSeconds(60))).as(endpoint).isEqualTo(new PushOutcome.Failed(
                            "not sent: the endpoint is at a private address (portvakt.push.private-endpoints)"));
        }
        assertThat(posts.get()).as("nothing was posted").isZero();
        assertThat(send("/201")).as("allowed, the same endpoint is sent to").isEqualTo(new PushOutcome.Delivered());
    }

    private PushOutcome send(String path) {
        return sender.send(new PushSubscription(url(path), device.p256dh(), device.auth()), PAYLOAD, Duration.ofSeconds(60));
    }

    private void answer(HttpExchange exchange) throws IOException {
        try (exchange) {
            posts.incrementAndGet();
            exchange.getRequestBody().readAllBytes();
            String path = exchange.getRequestURI().getPath();
            switch (path) {
                case "/429" -> {
                    byte[] body = "{\"reason\":\n  \"TooManyRequests\"}".getBytes(StandardCharsets.UTF_8);
                    exchange.sendResponseHeaders(429, body.length);
                    exchange.getResponseBody().write(body);
                }
                case "/301" -> {
                    exchange.getResponseHeaders().add("Location", url("/201"));
                    exchange.sendResponseHeaders(301, -1);
                }
                case "/endless" -> {
                    exchange.sendResponseHeaders(400, 0);
                    OutputStream body = exchange.getResponseBody();
                    byte[] chunk = "x".repeat(1024).getBytes(StandardCharsets.US_ASCII);
                    for (int i = 0; i < 100_000; i++) {
                        body.write(chunk);
                        body.flush();
                    }
                }
                default -> exchange.sendResponseHeaders(Integer.parseInt(path.substring(1)), -1);
            }
        } catch (IOException clientWentAway) {
            // The sender stops reading an endless answer; that is the point.
        }
    }

    private String url(String path) {
        return "http://127.0.0.1:" + service.getAddress().getPort() + path;
    }

    private String origin() {
        return "the push service at http://127.0.0.1:" + service.getAddress().getPort();
    }
}
