package se.portvakt.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpResponse;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;

import se.portvakt.account.Account;
import se.portvakt.account.AccountStore;
import se.portvakt.testing.HttpAgent;
import se.portvakt.testing.OidcClient;
import se.portvakt.testing.OnH2;
import se.portvakt.testing.OnPostgres;
import se.portvakt.testing.TestPeople;
import tools.jackson.databind.JsonNode;

/**
 * Journey step 3, "One-time sign in link": the link signs the person in directly, once; the application
 * learns from the ID token that an email link did it.
 */
abstract class OneTimeSignInLinkTest {

    @OnH2
    static class OnEmbeddedDatabase extends OneTimeSignInLinkTest {}

    @OnPostgres
    static class OnPostgreSql extends OneTimeSignInLinkTest {}

    @Value("${portvakt.issuer}")
    String issuer;

    @Autowired
    AccountStore accounts;

    @Autowired
    JdbcClient jdbc;

    @Test
    void theLinkSignsThePersonInOnceAndTheIdTokenSaysByEmail() {
        Account person = TestPeople.account(accounts, "linked", null);
        String email = person.email().value();
        HttpAgent browser = TestPeople.browser(issuer);
        OidcClient.Request request = OidcClient.web();
        browser.get(HttpAgent.location(browser.get(request.authorizationUrl())));
        browser.post("/signin", Map.of("email", email));
        String link = new Mailbox(jdbc).askAndAwait(browser, email, "link");

        HttpResponse<String> page = browser.get(link);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("Sign in with your link", "Sign in as " + email + ". The link works once.");
        HttpResponse<String> used = browser.post("/recovery/link", Map.of("token", Mailbox.token(link)));

        assertThat(HttpAgent.location(used)).contains("/oauth2/authorize");
        URI callback = URI.create(HttpAgent.location(browser.get(HttpAgent.location(used))));
        assertThat(callback.toString()).startsWith(request.redirectUri);
        assertThat(OidcClient.param(callback, "state")).isEqualTo(request.state);
        HttpResponse<String> tokens = new HttpAgent(issuer).header("Authorization", OidcClient.basic("test-web", "test-web-secret"))
                .post("/oauth2/token", OidcClient.codeExchange(request, OidcClient.param(callback, "code")));
        assertThat(tokens.statusCode()).as(tokens.body()).isEqualTo(200);
        JsonNode idToken = OidcClient.claims(OidcClient.json(tokens).get("id_token").asString());
        assertThat(idToken.get("sub").asString()).isEqualTo(person.id());
        assertThat(idToken.get("amr").toString()).contains("\"email\"").doesNotContain("\"pwd\"");

        HttpAgent otherDevice = TestPeople.browser(issuer);
        otherDevice.get("/signin/forgot");
        HttpResponse<String> again = otherDevice.post("/recovery/link", Map.of("token", Mailbox.token(link)));
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(again.body()).contains("This link no longer works", "Send me a new link", "href=\"/signin/forgot\"");
        // Signing in gave the browser a new session and CSRF token; it opens the link again and presses the button.
        assertThat(browser.get(link).body()).contains("This link no longer works", "Send me a new link");
        browser.get("/signin/forgot");
        HttpResponse<String> sameBrowserAgain = browser.post("/recovery/link", Map.of("token", Mailbox.token(link)));
        assertThat(sameBrowserAgain.body()).contains("This link no longer works", "Send me a new link");
    }

    @Test
    void openedOnAnotherDeviceItSignsThatDeviceInAtPortvaktsHomePage() {
        Account person = TestPeople.account(accounts, "linked.phone", null);
        String email = person.email().value();
        String link = new Mailbox(jdbc).askAndAwait(TestPeople.browser(issuer), email, "link");
        HttpAgent phone = TestPeople.browser(issuer);

        phone.get(link);
        HttpResponse<String> used = phone.post("/recovery/link", Map.of("token", Mailbox.token(link)));

        assertThat(HttpAgent.isRedirect(used)).isTrue();
        HttpResponse<String> home = phone.follow(used);
        assertThat(home.statusCode()).isEqualTo(200);
        assertThat(home.uri().getPath()).isEqualTo("/");
        assertThat(home.body()).contains("You are signed in", "Signed in as " + email + ".");
        // And the phone is signed in for applications too: no sign-in pages on the way to a code.
        assertThat(OidcClient.param(OidcClient.authorize(phone, OidcClient.web()), "code")).isNotBlank();
    }

    @Test
    void openingTheLinkDoesNotSpendIt() {
        Account person = TestPeople.account(accounts, "linked.scanned", null);
        String link = new Mailbox(jdbc).askAndAwait(TestPeople.browser(issuer), person.email().value(), "link");
        HttpAgent browser = TestPeople.browser(issuer);

        TestPeople.browser(issuer).get(link);
        browser.get(link);
        browser.get(link);

        assertThat(HttpAgent.isRedirect(browser.post("/recovery/link", Map.of("token", Mailbox.token(link))))).isTrue();
    }
}
