package se.portvakt.delivery.push;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import se.portvakt.testing.HttpAgent;
import se.portvakt.testing.LocalPushService;
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

    static LocalPushService pushService;
    static String pushOrigin;
    static TestServer server;
    static PushSender sender;
    static String serverKey;

    @BeforeAll
    static void startThePushServiceAndAServer() throws Exception {
        pushService = LocalPushService.start();
        pushOrigin = pushService.origin();

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
        if (pushService != null) {
            pushService.close();
        }
    }

    @Test
    void theServerSendsWithWebPushWhenTheDevelopmentOutboxIsOff() {
        assertThat(sender).isInstanceOf(WebPushSender.class);
        assertThat(Base64.getUrlDecoder().decode(serverKey)).hasSize(65).startsWith(4);
    }

    @Test
    void messagesArriveDecryptedIntactWithTheServersVapidToken() throws Exception {
        LocalPushService.Subscription subscription = pushService.subscribe(serverKey);
        String first = "{\"request\":\"" + UUID.randomUUID() + "\"}";
        String second = "Godkänn inloggningen? ✓ " + "x".repeat(2000);

        assertThat(sender.send(subscription.push(), first.getBytes(StandardCharsets.UTF_8), TTL))
                .as(pushService.log()).isEqualTo(new PushOutcome.Delivered());
        assertThat(sender.send(subscription.push(), second.getBytes(StandardCharsets.UTF_8), TTL))
                .as(pushService.log()).isEqualTo(new PushOutcome.Delivered());

        JsonNode messages = pushService.call("/get-notifications", subscription).at("/data/messages");
        assertThat(LocalPushService.strings(messages)).containsExactly(first, second);

        for (JsonNode headers : pushService.call("/get-headers", subscription).get("data")) {
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
        LocalPushService.Subscription subscription = pushService.subscribe(Vapid.applicationServerKey(another));

        PushOutcome outcome = sender.send(subscription.push(), "{\"request\":\"r\"}".getBytes(StandardCharsets.UTF_8), TTL);

        assertThat(outcome).isInstanceOf(PushOutcome.Failed.class);
        assertThat(((PushOutcome.Failed) outcome).reason()).startsWith("the push service at " + pushOrigin + " answered 400");
        assertThat(LocalPushService.strings(pushService.call("/get-notifications", subscription).at("/data/messages"))).isEmpty();
    }

    @Test
    void aSubscriptionThePushServiceExpiredIsGone() throws Exception {
        LocalPushService.Subscription subscription = pushService.subscribe(serverKey);
        assertThat(pushService.http().postRaw("/expire-subscription/" + subscription.clientHash(), "application/json", new byte[0])
                .statusCode()).isEqualTo(200);

        assertThat(sender.send(subscription.push(), "{\"request\":\"r\"}".getBytes(StandardCharsets.UTF_8), TTL))
                .isEqualTo(new PushOutcome.Gone());
    }

    @Test
    void aPushServiceThatIsDownFailsFast() throws Exception {
        LocalPushService.Subscription subscription = pushService.subscribe(serverKey);
        String nobodyListens = "http://127.0.0.1:" + LocalPushService.freePort() + "/notify/" + subscription.clientHash();
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
        LocalPushService.Subscription subscription = pushService.subscribe(serverKey);
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
        LocalPushService.Subscription subscription = pushService.subscribe(serverKey);
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
}
