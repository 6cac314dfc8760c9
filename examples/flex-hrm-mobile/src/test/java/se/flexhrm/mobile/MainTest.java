package se.flexhrm.mobile;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

/**
 * The command's answers when the sign-in cannot even start or never comes back: one sentence and an exit code, never
 * a stack trace. (The whole sign-in against Portvakt, in Chromium, is the server's FlexHrmMobileInBrowserTest.)
 */
class MainTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void anIssuerWhereNothingListensIsSaidInASentence() throws IOException {
        int closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        assertThat(run("--issuer", "http://127.0.0.1:" + closed, "--no-browser")).isEqualTo(Main.FAILED);
        assertThat(err()).isEqualTo("flex-hrm-mobile: could not reach the identity provider at http://127.0.0.1:" + closed
                + " (nothing answers there). Is Portvakt running (./mvnw -pl server spring-boot:run) and is --issuer right?\n");
    }

    @Test
    void aProviderThatNamesAnotherIssuerIsNotUsed() throws IOException {
        HttpServer provider = provider("https://elsewhere.example.com", "S256");
        try {
            assertThat(run("--issuer", address(provider), "--no-browser")).isEqualTo(Main.FAILED);
            assertThat(err()).startsWith("flex-hrm-mobile: the identity provider at " + address(provider)
                    + " did not describe itself as one (").doesNotContain("\tat ");
        } finally {
            provider.stop(0);
        }
    }

    @Test
    void aProviderWithoutPkceS256IsNotUsed() throws IOException {
        HttpServer provider = provider(null, "plain");
        try {
            assertThat(run("--issuer", address(provider), "--no-browser")).isEqualTo(Main.FAILED);
            assertThat(err()).contains("does not offer PKCE with S256, which a native app needs (RFC 8252 8.1)");
        } finally {
            provider.stop(0);
        }
    }

    @Test
    void printsTheSignInAddressAndGivesUpWhenTheBrowserNeverComesBack() throws IOException {
        HttpServer provider = provider(null, "S256");
        try {
            assertThat(run("--issuer", address(provider), "--no-browser", "--timeout", "1")).isEqualTo(Main.FAILED);
            assertThat(out()).contains("If the browser does not open, open this address yourself:",
                    "  " + address(provider) + "/oauth2/authorize?", "code_challenge_method=S256",
                    "redirect_uri=http%3A%2F%2F127.0.0.1%3A", "client_id=flex-hrm-mobile");
            assertThat(err()).isEqualTo("flex-hrm-mobile: the browser did not come back in time (1 s)."
                    + " Run the command again (--timeout SECONDS waits longer).\n");
        } finally {
            provider.stop(0);
        }
    }

    @Test
    void wrongUsageShowsTheUsage() {
        assertThat(run("--issuer")).isEqualTo(Main.USAGE);
        assertThat(err()).startsWith("flex-hrm-mobile: --issuer needs a value\n").contains("Usage: java -jar flex-hrm-mobile.jar");
        assertThat(run("--help")).isEqualTo(Main.SIGNED_IN);
        assertThat(out()).contains("--no-browser", "--no-refresh", "Exit codes");
    }

    private int run(String... args) {
        return Main.run(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                args);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private static String address(HttpServer server) {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** A provider's discovery document, as Portvakt serves it, naming {@code issuer} (null: its own address). */
    private static HttpServer provider(String issuer, String pkce) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/.well-known/openid-configuration", exchange -> {
            String self = address(server);
            byte[] body = """
                    {"issuer": "%s", "authorization_endpoint": "%s/oauth2/authorize", "token_endpoint": "%s/oauth2/token",
                     "jwks_uri": "%s/oauth2/jwks", "response_types_supported": ["code"], "subject_types_supported": ["public"],
                     "id_token_signing_alg_values_supported": ["RS256"], "code_challenge_methods_supported": ["%s"]}
                    """.formatted(issuer == null ? self : issuer, self, self, self, pkce).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        return server;
    }
}
