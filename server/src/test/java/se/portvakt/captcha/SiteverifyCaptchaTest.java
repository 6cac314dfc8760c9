package se.portvakt.captcha;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import se.portvakt.testing.FormBody;

/**
 * Each third-party CAPTCHA checked against a local stand-in for its siteverify API that speaks the provider's
 * request and answer format: a clear success passes; a refusal, a slow, broken or nonsensical answer fails closed.
 */
abstract class SiteverifyCaptchaTest {

    static class ReCaptcha extends SiteverifyCaptchaTest {
        ReCaptcha() {
            super(CaptchaProvider.RECAPTCHA, """
                    {"success": true, "challenge_ts": "2026-11-25T12:00:00Z", "hostname": "login.example.com"}""", """
                    {"success": false, "error-codes": ["timeout-or-duplicate"]}""");
        }
    }

    static class HCaptcha extends SiteverifyCaptchaTest {
        HCaptcha() {
            super(CaptchaProvider.HCAPTCHA, """
                    {"success": true, "challenge_ts": "2026-11-25T12:00:00Z", "hostname": "login.example.com", "credit": false}""", """
                    {"success": false, "error-codes": ["invalid-or-already-seen-response"]}""");
        }

        @Test
        void sendsTheSiteKeySoTheTokenMustBeForOurSite() {
            answer.set(new Answer(200, """
                    {"success": true, "hostname": "login.example.com"}""", Duration.ZERO));

            assertThat(captcha().verify(TOKEN, ADDRESS).passed()).isTrue();

            assertThat(received.get()).containsEntry("sitekey", SITE_KEY);
        }
    }

    static class Turnstile extends SiteverifyCaptchaTest {
        Turnstile() {
            super(CaptchaProvider.TURNSTILE, """
                    {"success": true, "error-codes": [], "challenge_ts": "2026-11-25T12:00:00.000Z",
                     "hostname": "login.example.com", "action": "", "cdata": ""}""", """
                    {"success": false, "error-codes": ["invalid-input-response"], "messages": []}""");
        }
    }

    static final String SECRET = "the secret key";
    static final String SITE_KEY = "the site key";
    static final String TOKEN = "P1_eyJ0eXAiOiJKV1Qi+/=.token from the widget";
    static final String ADDRESS = "203.0.113.9";
    static final Duration TIMEOUT = Duration.ofMillis(500);

    private final CaptchaProvider provider;
    private final String success;
    private final String refusal;
    final AtomicReference<Map<String, String>> received = new AtomicReference<>();
    final AtomicReference<Answer> answer = new AtomicReference<>();
    private HttpServer stub;

    /** What the stand-in answers next. */
    record Answer(int status, String body, Duration delay) {}

    SiteverifyCaptchaTest(CaptchaProvider provider, String success, String refusal) {
        this.provider = provider;
        this.success = success;
        this.refusal = refusal;
    }

    @BeforeEach
    void startStub() throws IOException {
        stub = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        stub.setExecutor(Executors.newCachedThreadPool());
        stub.createContext("/siteverify", this::siteverify);
        stub.start();
    }

    @AfterEach
    void stopStub() {
        stub.stop(0);
    }

    @Test
    void aSolvedTokenPassesAndTheProviderGetsSecretTokenAndAddress() {
        answer.set(new Answer(200, success, Duration.ZERO));

        assertThat(captcha().verify(TOKEN, ADDRESS)).isEqualTo(new CaptchaResult.Passed());
        assertThat(received.get()).containsEntry("secret", SECRET).containsEntry("response", TOKEN)
                .containsEntry("remoteip", ADDRESS);
    }

    @Test
    void aRefusedTokenFailsWithTheProvidersErrorCodes() {
        answer.set(new Answer(200, refusal, Duration.ZERO));

        CaptchaResult result = captcha().verify(TOKEN, ADDRESS);

        assertThat(result).isInstanceOf(CaptchaResult.Failed.class);
        assertThat(((CaptchaResult.Failed) result).reason()).contains("error-codes").contains("-");
    }

    @Test
    void aTokenSolvedOnAnotherSiteFails() {
        answer.set(new Answer(200, success.replace("login.example.com", "evil.example.net"), Duration.ZERO));

        assertThat(captcha().verify(TOKEN, ADDRESS)).isEqualTo(new CaptchaResult.Failed("solved on evil.example.net"));
    }

    @Test
    void noAnswerWithinTheTimeoutFailsClosed() {
        answer.set(new Answer(200, success, TIMEOUT.multipliedBy(4)));
        long started = System.nanoTime();

        CaptchaResult result = captcha().verify(TOKEN, ADDRESS);

        assertThat(result).isInstanceOf(CaptchaResult.Unavailable.class);
        assertThat(result.passed()).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(TIMEOUT.multipliedBy(3));
    }

    @Test
    void aServerErrorFailsClosed() {
        answer.set(new Answer(500, success, Duration.ZERO));

        assertThat(captcha().verify(TOKEN, ADDRESS)).isEqualTo(new CaptchaResult.Unavailable("HTTP 500"));
    }

    @Test
    void aMalformedAnswerFailsClosed() {
        for (String nonsense : new String[] {"<html>Service Unavailable</html>", "", "[]", "{\"success\": \"true\"}",
                "{\"hostname\": \"login.example.com\"}", "{\"success\": true"}) {
            answer.set(new Answer(200, nonsense, Duration.ZERO));

            assertThat(captcha().verify(TOKEN, ADDRESS)).as(nonsense).isInstanceOf(CaptchaResult.Unavailable.class);
        }
    }

    @Test
    void anUnreachableProviderFailsClosed() {
        stub.stop(0);

        assertThat(captcha().verify(TOKEN, ADDRESS)).isInstanceOf(CaptchaResult.Unavailable.class);
    }

    @Test
    void noTokenFailsWithoutAskingTheProvider() {
        assertThat(captcha().verify("", ADDRESS)).isEqualTo(new CaptchaResult.Failed("missing"));
        assertThat(captcha().verify(null, ADDRESS)).isEqualTo(new CaptchaResult.Failed("missing"));
        assertThat(received.get()).isNull();
    }

    @Test
    void theWidgetIsTheProvidersWithItsOriginsInThePolicy() {
        CaptchaWidget widget = captcha().widget();

        assertThat(widget.proofOfWork()).isFalse();
        assertThat(widget.siteKey()).isEqualTo(SITE_KEY);
        assertThat(widget.scriptUrl("sv")).startsWith("https://");
        assertThat(widget.contentSecurityPolicy()).containsKeys("script-src", "frame-src");
    }

    @Test
    void theDefaultVerifyUrlIsTheProvidersOfficialOne() {
        assertThat(provider.siteverifyUrl().toString()).startsWith("https://").endsWith("/siteverify");
    }

    SiteverifyCaptcha captcha() {
        URI url = URI.create("http://127.0.0.1:" + stub.getAddress().getPort() + "/siteverify");
        return new SiteverifyCaptcha(provider, SITE_KEY, SECRET, url, TIMEOUT, "login.example.com");
    }

    private void siteverify(HttpExchange exchange) throws IOException {
        try (exchange) {
            boolean form = "POST".equals(exchange.getRequestMethod()) && exchange.getRequestHeaders()
                    .getFirst("Content-Type").startsWith("application/x-www-form-urlencoded");
            received.set(form ? FormBody.fields(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)) : Map.of());
            Answer next = answer.get();
            Thread.sleep(next.delay().toMillis());
            byte[] body = next.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(form ? next.status() : 400, body.length == 0 ? -1 : body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException clientGaveUp) {
            // The verifier stopped waiting (the timeout test): nothing to answer.
        }
    }
}
