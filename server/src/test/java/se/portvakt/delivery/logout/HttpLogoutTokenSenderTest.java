package se.portvakt.delivery.logout;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The application's end of a delivery, as OpenID Connect Back-Channel Logout 1.0 section 2.5 has it: a form POST of
 * {@code logout_token}, delivered on 2xx only; a redirect is not followed, and a refused connection or an answer
 * later than the read timeout is a failure rather than a wait.
 */
class HttpLogoutTokenSenderTest {

    private final HttpLogoutTokenSender sender = new HttpLogoutTokenSender(
            new LogoutDeliveryProperties(Duration.ofMillis(500), Duration.ofMillis(500)));
    private final List<String> received = new CopyOnWriteArrayList<>();
    private HttpServer application;

    @BeforeEach
    void startApplication() throws IOException {
        application = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        application.createContext("/", exchange -> {
            String type = exchange.getRequestHeaders().getFirst("Content-Type");
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            received.add(exchange.getRequestMethod() + " " + type + " " + URLDecoder.decode(body, StandardCharsets.UTF_8));
            switch (exchange.getRequestURI().getPath()) {
                case "/ok" -> exchange.sendResponseHeaders(204, -1);
                case "/moved" -> {
                    exchange.getResponseHeaders().add("Location", "/ok");
                    exchange.sendResponseHeaders(302, -1);
                }
                case "/slow" -> {
                    pause(1500);
                    exchange.sendResponseHeaders(200, -1);
                }
                default -> exchange.sendResponseHeaders(500, -1);
            }
            exchange.close();
        });
        application.start();
    }

    @AfterEach
    void stopApplication() {
        application.stop(0);
    }

    @Test
    void aTwoHundredAnswerToTheFormPostIsDelivered() throws Exception {
        var outcome = sender.send(at("/ok"), "a.b+c/d").get(5, TimeUnit.SECONDS);

        assertThat(outcome.delivered()).isTrue();
        assertThat(received).containsExactly("POST application/x-www-form-urlencoded logout_token=a.b+c/d");
    }

    @Test
    void anErrorOrARedirectIsNotDeliveredAndTheRedirectIsNotFollowed() throws Exception {
        var error = sender.send(at("/broken"), "token").get(5, TimeUnit.SECONDS);
        var moved = sender.send(at("/moved"), "token").get(5, TimeUnit.SECONDS);

        assertThat(error).isEqualTo(new LogoutTokenSender.Outcome(false, "HTTP 500"));
        assertThat(moved).isEqualTo(new LogoutTokenSender.Outcome(false, "HTTP 302"));
        assertThat(received).hasSize(2);
    }

    @Test
    void aRefusedConnectionOrALateAnswerIsAFailureNotAWait() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        long start = System.nanoTime();

        var refused = sender.send(URI.create("http://127.0.0.1:" + closed + "/"), "token").get(5, TimeUnit.SECONDS);
        var late = sender.send(at("/slow"), "token").get(5, TimeUnit.SECONDS);

        assertThat(refused.delivered()).isFalse();
        assertThat(refused.detail()).contains("ConnectException");
        assertThat(late.delivered()).isFalse();
        assertThat(late.detail()).contains("Timeout");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1400));
    }

    private URI at(String path) {
        return URI.create("http://127.0.0.1:" + application.getAddress().getPort() + path);
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
