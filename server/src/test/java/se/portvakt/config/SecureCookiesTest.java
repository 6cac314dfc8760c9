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
    private static final String FLOW = "PORTVAKT_SIGNIN";
    private static final String CSRF = "PORTVAKT_CSRF";
    private static final List<String> NAMES = List.of(SESSION, REMEMBERED_EMAIL, FLOW, CSRF);

    @Test
    void withAnHttpsIssuerTheSessionAndRememberedEmailCookiesAreSecure() {
        try (TestServer server = TestServer.onNewH2(Map.of("portvakt.issuer", "https://id.example.com"))) {
            List<String> cookies = cookiesOfASignInStart(server);

            assertThat(names(cookies)).containsAll(NAMES);
            assertThat(cookies).allMatch(c -> c.contains("; Secure"), "Secure");
        }
    }

    @Test
    void withAnHttpIssuerNoCookieIsSecure() {
        try (TestServer server = TestServer.onNewH2(Map.of())) {
            List<String> cookies = cookiesOfASignInStart(server);

            assertThat(names(cookies)).containsAll(NAMES);
            assertThat(cookies).noneMatch(c -> c.contains("Secure"));
        }
    }

    /**
     * The Set-Cookie headers of the sign-in page (its sealed flow and CSRF token, decision 0065), of an email sent with
     * "Save my email address for next time", and of My account's page asked for before signing in (a session).
     */
    private static List<String> cookiesOfASignInStart(TestServer server) {
        HttpAgent browser = new HttpAgent(server.loopback());
        HttpResponse<String> page = browser.get("/signin");
        // The agent keeps a Secure cookie but, like a browser, sends it only over https: here it is sent by hand.
        browser.header("Cookie", FLOW + "=" + browser.cookie(FLOW) + "; " + CSRF + "=" + browser.cookie(CSRF));
        HttpResponse<String> next = browser.post("/signin", Map.of("email", TestPeople.uniqueEmail("secure.cookies"), "remember", "on"));
        assertThat(next.statusCode()).isEqualTo(302);
        HttpResponse<String> account = new HttpAgent(server.loopback()).get("/account");
        return java.util.stream.Stream.of(page, next, account)
                .flatMap(response -> response.headers().allValues("Set-Cookie").stream()).toList();
    }

    private static List<String> names(List<String> cookies) {
        return cookies.stream().map(c -> c.substring(0, c.indexOf('='))).toList();
    }
}
