package se.portvakt.signin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import tools.jackson.databind.JsonNode;

import se.portvakt.account.AccountStore;
import se.portvakt.password.PasswordHasher;
import se.portvakt.testing.HttpAgent;
import se.portvakt.testing.OidcClient;
import se.portvakt.testing.OnH2;
import se.portvakt.testing.OnPostgres;
import se.portvakt.testing.TestPeople;

/**
 * Decision 0066: a browser with a session has its sign-in step's transaction opened when the request arrives, so that
 * the session's read joins it; and the step's session is saved in it. Here, what must hold around that: a request
 * refused before its step runs leaves no transaction (no pooled connection) behind, the session made at the password
 * is there for the next request, and the authorization request's code is committed before its redirect is answered.
 */
abstract class TransactionOnArrivalTest {

    @OnH2
    static class OnEmbeddedDatabase extends TransactionOnArrivalTest {}

    @OnPostgres
    static class OnPostgreSql extends TransactionOnArrivalTest {}

    private static final String PASSWORD = "a long enough password";
    private static final String WEB_SECRET = "test-web-secret";

    @Value("${portvakt.issuer}")
    String issuer;

    @Autowired
    AccountStore accounts;

    @Autowired
    PasswordHasher hasher;

    @Autowired
    DataSource dataSource;

    @Test
    void aStepsFormRefusedForItsCsrfTokenLeavesNoConnectionHeldAndTheSignInGoesOn() {
        HttpAgent browser = atTheTwoFactorPrompt("arrival.csrf");

        HttpResponse<String> refused = browser.postRaw("/signin/two-factor", "application/x-www-form-urlencoded",
                "action=later".getBytes(StandardCharsets.US_ASCII));

        assertThat(refused.statusCode()).isEqualTo(403);
        SignInSecurityTest.assertCalmErrorPage(refused);
        assertNoConnectionHeld();
        assertThat(browser.get("/signin/two-factor").statusCode()).isEqualTo(200);
        HttpResponse<String> later = browser.post("/signin/two-factor", Map.of("action", "later"));
        assertThat(HttpAgent.location(later)).contains("/oauth2/authorize");
        assertNoConnectionHeld();
    }

    @Test
    void theSessionMadeAtThePasswordAndTheCodeMadeAtTheEndAreCommittedBeforeTheirAnswers() {
        for (int i = 0; i < 5; i++) {
            OidcClient.Request fromTheApp = OidcClient.web();
            HttpAgent browser = atTheTwoFactorPrompt("arrival.commit", fromTheApp);
            // The session's row exists when the password's answer has arrived: the prompt's page is served from it.
            assertThat(browser.get("/signin/two-factor").statusCode()).isEqualTo(200);
            HttpResponse<String> back = browser.post("/signin/two-factor", Map.of("action", "later"));

            // The code, redeemed as soon as its redirect has arrived, from another connection than the one that saved it.
            JsonNode idToken = OidcClient.idTokenAfter(browser, issuer, fromTheApp, WEB_SECRET, back);

            assertThat(idToken.get("nonce").asString()).isEqualTo(fromTheApp.nonce);
        }
        assertNoConnectionHeld();
    }

    private HttpAgent atTheTwoFactorPrompt(String who) {
        return atTheTwoFactorPrompt(who, OidcClient.web());
    }

    private HttpAgent atTheTwoFactorPrompt(String who, OidcClient.Request fromTheApp) {
        String email = TestPeople.newcomer(accounts, who, hasher.hash(PASSWORD)).email().value();
        HttpAgent browser = TestPeople.browser(issuer);
        browser.get(HttpAgent.location(browser.get(fromTheApp.authorizationUrl())));
        browser.post("/signin", Map.of("email", email));
        browser.get("/signin/password");
        HttpResponse<String> passed = browser.post("/signin/password", Map.of("password", PASSWORD));
        assertThat(HttpAgent.location(passed)).endsWith("/signin/two-factor");
        return browser;
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** No connection of the pool is still in use once the requests have been answered (none leaked by a filter). */
    private void assertNoConnectionHeld() {
        HikariDataSource pool = (HikariDataSource) dataSource;
        Instant until = Instant.now().plus(Duration.ofSeconds(5));
        while (pool.getHikariPoolMXBean().getActiveConnections() > 0 && Instant.now().isBefore(until)) {
            sleep(Duration.ofMillis(20)); // a background poller's statement, at most
        }
        assertThat(pool.getHikariPoolMXBean().getActiveConnections()).as("connections in use").isZero();
    }
}
