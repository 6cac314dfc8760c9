package se.portvakt.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import se.portvakt.account.Account;
import se.portvakt.account.AccountStore;
import se.portvakt.password.PasswordHasher;
import se.portvakt.testing.HttpAgent;
import se.portvakt.testing.OidcClient;
import se.portvakt.testing.TestDatabase;
import se.portvakt.testing.TestPeople;
import se.portvakt.testing.TestServer;

/**
 * Two Portvakt nodes on one PostgreSQL database behind a load balancer: what an application's {@code acr_values}
 * asks of a sign-in started on one node holds for the steps the other node serves, since the stored flow keeps
 * the authorization request it resumes (decision 0027).
 */
class ApplicationThatAsksFor2faOnTwoNodesTest {

    private static final String PASSWORD = "a long enough password";

    private final TestDatabase database = new TestDatabase.Postgres();
    private final String name = TestDatabase.newName();

    @AfterEach
    void dropDatabase() {
        database.drop(name);
    }

    @Test
    void theSecondFactorAskedOnOneNodeIsStillAskedOnTheOther() {
        try (TestServer one = TestServer.start(database, name); TestServer two = TestServer.start(database, name)) {
            // Reminded of 2FA recently: without acr_values this sign-in would go straight back to the application.
            Account person = TestPeople.account(one.bean(AccountStore.class), "acr.two.nodes",
                    one.bean(PasswordHasher.class).hash(PASSWORD));
            HttpAgent browser = TestPeople.browser(one.loopback()); // one cookie jar for 127.0.0.1, whichever port
            OidcClient.Request sensitive = OidcClient.web();

            HttpResponse<String> toSignIn = browser.get(one.loopback() + sensitive.authorizationUrl()
                    + "&acr_values=urn%3Aportvakt%3Aacr%3A2fa");
            assertThat(HttpAgent.location(toSignIn)).endsWith("/signin");
            assertThat(browser.get(one.loopback() + "/signin").statusCode()).isEqualTo(200);
            assertThat(HttpAgent.location(browser.post(one.loopback() + "/signin",
                    Map.of("email", person.email().value())))).endsWith("/signin/password");
            HttpResponse<String> afterPassword = browser.post(two.loopback() + "/signin/password",
                    Map.of("password", PASSWORD));

            assertThat(HttpAgent.location(afterPassword)).as("on the other node").endsWith("/signin/two-factor");
            assertThat(browser.get(one.loopback() + "/signin/two-factor").body())
                    .contains("This application requires two-factor authentication.").doesNotContain("Remind me later");
            HttpResponse<String> later = browser.post(two.loopback() + "/signin/two-factor", Map.of("action", "later"));
            assertThat(later.statusCode()).isEqualTo(200);
            assertThat(later.body()).contains("enable it to continue");
        }
    }
}
