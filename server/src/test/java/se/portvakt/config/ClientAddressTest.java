package se.portvakt.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

import se.portvakt.testing.HttpAgent;
import se.portvakt.testing.TestPeople;
import se.portvakt.testing.TestServer;

/**
 * The client address that limits count and the audit log records is the socket's, unless the request comes from
 * a proxy listed in {@code portvakt.trusted-proxies}: a forged {@code X-Forwarded-For} changes nothing.
 */
class ClientAddressTest {

    private static final String TOO_MANY = "Too many attempts. Try again in ";

    @Test
    void withoutTrustedProxiesAForgedAddressIsIgnoredByLimitsAndTheAuditLog() {
        try (TestServer server = start(Map.of("portvakt.trusted-proxies", "", "portvakt.limits.failed-sign-ins-per-address", "2"))) {
            String first = failedSignIn(server, "203.0.113.1");
            failedSignIn(server, "203.0.113.2");

            HttpAgent forger = new HttpAgent(server.loopback()).header("X-Forwarded-For", "203.0.113.3");
            atPasswordPage(forger, TestPeople.uniqueEmail("forged"));
            HttpResponse<String> refused = forger.post("/signin/password", Map.of("password", "guess"));

            assertThat(refused.body()).as("the third failure from one socket address").contains(TOO_MANY);
            assertThat(addressOf(server, first)).isEqualTo("127.0.0.1");
        }
    }

    @Test
    void withoutTrustedProxiesAForgedProtocolDoesNotMakeTheRequestSecure() {
        try (TestServer server = start(Map.of("portvakt.trusted-proxies", ""))) {
            HttpResponse<String> page = new HttpAgent(server.loopback()).header("X-Forwarded-Proto", "https").get("/signin");

            assertThat(page.headers().allValues("Set-Cookie")).anyMatch(c -> c.startsWith("PORTVAKT_SIGNIN="))
                    .anyMatch(c -> c.startsWith("PORTVAKT_CSRF=")).noneMatch(c -> c.contains("Secure"));
        }
    }

    @Test
    void aHeaderFromAnAddressThatIsNotAListedProxyIsIgnored() {
        try (TestServer server = start(Map.of("portvakt.trusted-proxies", "10.9.9.9"))) {
            assertThat(addressOf(server, failedSignIn(server, "203.0.113.9"))).isEqualTo("127.0.0.1");
            assertThat(redirectThroughProxyAt(server, PROXY_PORT)).as("a port a client chose is ignored")
                    .startsWith(server.loopback() + "/");
        }
    }

    @Test
    void behindAListedProxyOnAPortOfItsOwnRedirectsKeepThatPort() {
        try (TestServer server = start(Map.of("portvakt.trusted-proxies", "127.0.0.1"))) {
            assertThat(redirectThroughProxyAt(server, PROXY_PORT)).startsWith("http://127.0.0.1:" + PROXY_PORT + "/");
        }
    }

    @Test
    void behindListedProxiesTheClientIsTheFirstAddressFromTheRightThatIsNoProxy() {
        try (TestServer server = start(Map.of("portvakt.trusted-proxies", "127.0.0.1, ::1, 198.51.100.0/24"))) {
            assertThat(addressOf(server, failedSignIn(server, "192.0.2.1, 203.0.113.9, 198.51.100.7")))
                    .as("198.51.100.7 is a listed proxy, 203.0.113.9 is not: what is left of it could be forged")
                    .isEqualTo("203.0.113.9");
            assertThat(addressOf(server, failedSignIn(server, "203.0.113.9, 192.0.2.44"))).isEqualTo("192.0.2.44");
        }
    }

    @Test
    void anEntryThatIsNoAddressStopsTheStartNamingTheSetting() {
        assertThatThrownBy(() -> start(Map.of("portvakt.trusted-proxies", "10.0.0.0/8, 10.0.0.300")).close())
                .rootCause()
                .hasMessageContaining("portvakt.trusted-proxies")
                .hasMessageContaining("10.0.0.300");
    }

    private TestServer start(Map<String, String> settings) {
        Map<String, String> all = new HashMap<>(settings);
        all.put("portvakt.limits.window", "7d");
        return TestServer.onNewH2(all);
    }

    /** A port nothing listens on, as the proxy's: the test is the proxy, sending its headers from loopback. */
    private static final int PROXY_PORT = 18081;

    /**
     * Where a page that needs a signed-in person sends a browser, asked as a proxy at {@code proxyPort} asks for it:
     * {@code X-Forwarded-Proto: http} (HAProxy's for a plain connection) and {@code X-Forwarded-Port}.
     */
    private static String redirectThroughProxyAt(TestServer server, int proxyPort) {
        HttpResponse<String> answer = new HttpAgent(server.loopback()).header("X-Forwarded-For", "203.0.113.7")
                .header("X-Forwarded-Proto", "http").header("X-Forwarded-Port", String.valueOf(proxyPort))
                .get("/account");
        assertThat(answer.statusCode()).isEqualTo(302);
        return HttpAgent.location(answer);
    }

    /** A wrong password for an unknown email, sent from loopback with this X-Forwarded-For; answers the email. */
    private static String failedSignIn(TestServer server, String forwardedFor) {
        String email = TestPeople.uniqueEmail("client.address");
        HttpAgent browser = new HttpAgent(server.loopback()).header("X-Forwarded-For", forwardedFor);
        atPasswordPage(browser, email);
        browser.post("/signin/password", Map.of("password", "a wrong password"));
        return email;
    }

    private static void atPasswordPage(HttpAgent browser, String email) {
        browser.get("/signin");
        assertThat(HttpAgent.location(browser.post("/signin", Map.of("email", email)))).endsWith("/signin/password");
        browser.get("/signin/password");
    }

    private static String addressOf(TestServer server, String email) {
        List<String> addresses = server.bean(JdbcClient.class)
                .sql("SELECT address FROM audit_event WHERE email = :email AND event_type = 'signin.password'")
                .param("email", email).query(String.class).list();
        assertThat(addresses).hasSize(1);
        return addresses.get(0);
    }
}
