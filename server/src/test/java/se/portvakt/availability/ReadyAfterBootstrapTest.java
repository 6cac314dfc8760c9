package se.portvakt.availability;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import se.portvakt.testing.HttpAgent;
import se.portvakt.testing.OidcClient;
import se.portvakt.testing.TestDatabase;
import se.portvakt.testing.TestPeople;
import se.portvakt.testing.TestServer;

/**
 * Ready means ready: while the bootstrap file is being applied (held here at a client's logo URL, which is fetched
 * while it is applied, by an image host that answers only when the test lets it), the node already listens but
 * answers every request with 503 and Retry-After (a page for a browser, an RFC 6749 error for programs), and its
 * readiness probe says OUT_OF_SERVICE while liveness says UP. Once the file is applied, the same requests succeed.
 */
class ReadyAfterBootstrapTest {

    private static final String SVG = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"40\" height=\"40\">"
            + "<rect width=\"40\" height=\"40\" fill=\"#155e75\"/></svg>";

    private final CountDownLatch asked = new CountDownLatch(1);
    private final CountDownLatch answer = new CountDownLatch(1);
    private final HttpServer imageHost = heldImageHost();
    private final TestDatabase database = new TestDatabase.H2();
    private final String name = TestDatabase.newName();

    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        answer.countDown();
        imageHost.stop(0);
        database.drop(name);
    }

    @Test
    void aNodeRefusesRequestsUntilItsBootstrapFileIsAppliedAndSaysSoOnItsReadinessProbe() throws Exception {
        int port = freePort();
        String base = "http://localhost:" + port;
        Map<String, String> settings = Map.of("server.port", String.valueOf(port), "portvakt.issuer", base,
                "portvakt.bootstrap", bootstrap(), "portvakt.brand.allow-http-logos", "true");
        CompletableFuture<TestServer> starting = CompletableFuture.supplyAsync(
                () -> TestServer.start(database, name, settings));
        try {
            while (!asked.await(100, TimeUnit.MILLISECONDS)) {
                if (starting.isDone()) {
                    starting.join().close();
                    throw new AssertionError("started without fetching the logo");
                }
            }
            HttpAgent program = new HttpAgent(base);
            HttpAgent browser = TestPeople.browser(base);
            var request = new OidcClient.Request("held-logo", "http://localhost:8081/held/callback", "openid email");

            HttpResponse<String> discovery = program.get("/.well-known/openid-configuration");
            assertThat(discovery.statusCode()).isEqualTo(503);
            assertThat(discovery.headers().firstValue("Retry-After")).isPresent();
            assertThat(discovery.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("application/json"));
            assertThat(OidcClient.json(discovery).get("error").asString()).isEqualTo("temporarily_unavailable");

            HttpResponse<String> authorize = browser.get(request.authorizationUrl());
            assertThat(authorize.statusCode()).isEqualTo(503);
            assertThat(authorize.headers().firstValue("Retry-After")).isPresent();
            assertThat(authorize.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("text/html"));
            assertThat(authorize.body()).contains("Just a moment", "Try again").doesNotContain("unknown", "Exception");
            assertThat(authorize.headers().firstValue("Content-Security-Policy")).isPresent();

            HttpResponse<String> readiness = program.get("/actuator/health/readiness");
            assertThat(readiness.statusCode()).isEqualTo(503);
            assertThat(readiness.body()).contains("OUT_OF_SERVICE");
            HttpResponse<String> liveness = program.get("/actuator/health/liveness");
            assertThat(liveness.statusCode()).isEqualTo(200);
            assertThat(liveness.body()).contains("UP");
            assertThat(starting).as("still applying the bootstrap file").isNotDone();

            answer.countDown();
            try (TestServer server = starting.get(60, TimeUnit.SECONDS)) {
                assertThat(server.issuer()).isEqualTo(base);
                assertThat(program.get("/.well-known/openid-configuration").statusCode()).isEqualTo(200);
                HttpResponse<String> ready = program.get("/actuator/health/readiness");
                assertThat(ready.statusCode()).isEqualTo(200);
                assertThat(ready.body()).contains("UP");
                HttpResponse<String> signIn = browser.get(request.authorizationUrl());
                assertThat(signIn.statusCode()).as("the client exists now").isEqualTo(302);
                assertThat(HttpAgent.location(signIn)).contains("/signin");
            }
        } finally {
            answer.countDown();
            if (!starting.isDone()) {
                starting.get(60, TimeUnit.SECONDS).close();
            }
        }
    }

    /** An image host that answers the logo only when the test counts {@link #answer} down. */
    private HttpServer heldImageHost() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/", exchange -> {
                asked.countDown();
                try (exchange) {
                    answer.await(30, TimeUnit.SECONDS);
                    byte[] body = SVG.getBytes(StandardCharsets.UTF_8);
                    exchange.getResponseHeaders().set("Content-Type", "image/svg+xml");
                    exchange.sendResponseHeaders(200, body.length);
                    exchange.getResponseBody().write(body);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String bootstrap() throws IOException {
        Path file = dir.resolve("bootstrap.yaml");
        Files.writeString(file, """
                clients:
                  - id: held-logo
                    name: Held logo app
                    type: web
                    secret: held-logo-secret
                    redirect-uris: [http://localhost:8081/held/callback]
                    scopes: [openid, email]
                    display-name: Held Payroll
                    logo: http://127.0.0.1:%d/logo.svg
                """.formatted(imageHost.getAddress().getPort()));
        return "file:" + file;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
