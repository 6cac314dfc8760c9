package se.portvakt.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import se.portvakt.testing.HttpAgent;
import se.portvakt.testing.TestPeople;
import se.portvakt.testing.TestServer;

/**
 * With an {@code https:} issuer every cookie Portvakt sets carries {@code Secure}, even where TLS ends at a proxy
 * and the request reaches Portvakt over plain HTTP; with a local {@code http:} issuer none does.
 */
class SecureCookiesTest {

    private static final String SESSION = "PORTVAKT_SESSION";
    private static final String REMEMBERED_EMAIL = "PORTVAKT_EMAIL";

    @Test
    void withAnHttpsIssuerTheSessionAndRememberedEmailCookiesAreSecure() {
        try (TestServer server = TestServer.onNewH2(Map.of("portvakt.issuer", "https://id.example.com"))) {
            List<String> cookies = cookiesOfASignInStart(server);

            assertThat(cookies).filteredOn(c -> c.startsWith(SESSION + "=") || c.startsWith(REMEMBERED_EMAIL + "="))
                    .hasSize(2)
                    .allMatch(c -> c.contains("; Secure"), "Secure");
        }
    }

    @Test
    void withAnHttpIssuerNoCookieIsSecure() {
        try (TestServer server = TestServer.onNewH2(Map.of())) {
            List<String> cookies = cookiesOfASignInStart(server);

            assertThat(cookies).filteredOn(c -> c.startsWith(SESSION + "=") || c.startsWith(REMEMBERED_EMAIL + "="))
                    .hasSize(2)
                    .noneMatch(c -> c.contains("Secure"));
        }
    }

    /** The Set-Cookie headers of the sign-in page and of an email sent with "Save my email address for next time". */
    private static List<String> cookiesOfASignInStart(TestServer server) {
        HttpAgent browser = new HttpAgent(server.loopback());
        HttpResponse<String> page = browser.get("/signin");
        // The agent keeps a Secure cookie but, like a browser, sends it only over https: here it is sent by hand.
        browser.header("Cookie", SESSION + "=" + browser.cookie(SESSION));
        HttpResponse<String> next = browser.post("/signin", Map.of("email", TestPeople.uniqueEmail("secure.cookies"), "remember", "on"));
        assertThat(next.statusCode()).isEqualTo(302);
        return java.util.stream.Stream.concat(page.headers().allValues("Set-Cookie").stream(),
                next.headers().allValues("Set-Cookie").stream()).toList();
    }
}
