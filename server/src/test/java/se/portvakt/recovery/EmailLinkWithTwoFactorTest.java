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
import se.portvakt.password.PasswordHasher;
import se.portvakt.testing.HttpAgent;
import se.portvakt.testing.OidcClient;
import se.portvakt.testing.OnH2;
import se.portvakt.testing.OnPostgres;
import se.portvakt.testing.TestPeople;
import se.portvakt.testing.TwoFactorPerson;
import se.portvakt.testing.TwoFactorPerson.Enrolled;
import tools.jackson.databind.JsonNode;

/**
 * A link from an email is a first factor, like the password: for a person with 2FA on, the one-time sign-in link
 * and a password reset go on to the second factor rather than straight to the application.
 */
abstract class EmailLinkWithTwoFactorTest {

    @OnH2
    static class OnEmbeddedDatabase extends EmailLinkWithTwoFactorTest {}

    @OnPostgres
    static class OnPostgreSql extends EmailLinkWithTwoFactorTest {}

    private static final String PASSWORD = "a long enough password";

    @Value("${portvakt.issuer}")
    String issuer;

    @Autowired
    AccountStore accounts;

    @Autowired
    PasswordHasher hasher;

    @Autowired
    JdbcClient jdbc;

    @Test
    void theSignInLinkAsksForTheSecondFactor() {
        Account person = TestPeople.newcomer(accounts, "link.2fa", hasher.hash(PASSWORD));
        TwoFactorPerson phone = new TwoFactorPerson(jdbc);
        Enrolled enrolled = enrol(person, phone);

        HttpAgent browser = TestPeople.browser(issuer);
        OidcClient.Request request = OidcClient.web();
        browser.get(HttpAgent.location(browser.get(request.authorizationUrl())));
        browser.post("/signin", Map.of("email", person.email().value()));
        String link = new Mailbox(jdbc).askAndAwait(browser, person.email().value(), "link");
        browser.get(link);
        HttpResponse<String> used = browser.post("/recovery/link", Map.of("token", Mailbox.token(link)));
        assertThat(HttpAgent.location(used)).endsWith("/signin/authenticator-code");

        HttpResponse<String> signedIn = browser.post("/signin/authenticator-code",
                Map.of("code", phone.codeNow(enrolled.key(), 1)));
        assertThat(HttpAgent.location(signedIn)).contains("/oauth2/authorize");
        URI callback = URI.create(HttpAgent.location(browser.get(HttpAgent.location(signedIn))));
        HttpResponse<String> tokens = new HttpAgent(issuer).header("Authorization", OidcClient.basic("test-web", "test-web-secret"))
                .post("/oauth2/token", OidcClient.codeExchange(request, OidcClient.param(callback, "code")));
        JsonNode idToken = OidcClient.claims(OidcClient.json(tokens).get("id_token").asString());
        assertThat(idToken.get("amr").toString()).contains("\"email\"", "\"otp\"", "\"mfa\"").doesNotContain("\"pwd\"");
    }

    @Test
    void aResetPasswordAsksForTheSecondFactorBeforeTheApplication() {
        Account person = TestPeople.newcomer(accounts, "reset.2fa", hasher.hash(PASSWORD));
        enrol(person, new TwoFactorPerson(jdbc));

        HttpAgent browser = TestPeople.browser(issuer);
        browser.get(HttpAgent.location(browser.get(OidcClient.web().authorizationUrl())));
        browser.post("/signin", Map.of("email", person.email().value()));
        String link = new Mailbox(jdbc).askAndAwait(browser, person.email().value(), "reset");
        browser.get(link);
        HttpResponse<String> changed = browser.post("/recovery/reset", Map.of("token", Mailbox.token(link),
                "password", "another long passphrase", "confirm", "another long passphrase"));
        assertThat(HttpAgent.location(changed)).endsWith("/signin/authenticator-code");
    }

    private Enrolled enrol(Account person, TwoFactorPerson phone) {
        HttpAgent setUp = TestPeople.browser(issuer);
        setUp.get(HttpAgent.location(setUp.get(OidcClient.web().authorizationUrl())));
        setUp.post("/signin", Map.of("email", person.email().value()));
        setUp.get("/signin/password");
        setUp.post("/signin/password", Map.of("password", PASSWORD));
        return phone.enrol(setUp, null);
    }
}
