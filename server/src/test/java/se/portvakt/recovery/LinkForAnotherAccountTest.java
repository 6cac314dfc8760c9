package se.portvakt.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;

import se.portvakt.account.Account;
import se.portvakt.account.AccountStore;
import se.portvakt.password.PasswordHasher;
import se.portvakt.signin.SignInJourney;
import se.portvakt.testing.HttpAgent;
import se.portvakt.testing.OidcClient;
import se.portvakt.testing.OnH2;
import se.portvakt.testing.OnPostgres;
import se.portvakt.testing.TestPeople;
import tools.jackson.databind.JsonNode;

/**
 * Factors belong to one account: someone who passed their own password and then, in the same browser, uses a
 * one-time sign-in link of another account (whose mailbox they can read) signs that account in with the link
 * alone, never with two factors made of their own password and the other's link.
 */
abstract class LinkForAnotherAccountTest {

    @OnH2
    static class OnEmbeddedDatabase extends LinkForAnotherAccountTest {}

    @OnPostgres
    static class OnPostgreSql extends LinkForAnotherAccountTest {}

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
    void aLinkForAnotherAccountAtThe2faPromptSignsThatAccountInWithTheLinkAlone() {
        Account own = TestPeople.newcomer(accounts, "own", hasher.hash(PASSWORD));
        Account other = TestPeople.account(accounts, "other", null);
        HttpAgent browser = TestPeople.browser(issuer);
        OidcClient.Request request = OidcClient.web();
        passwordOf(own, browser, request);

        HttpResponse<String> used = useLinkOf(other, browser);

        assertSignedInByTheLinkAlone(other, browser, request, used);
    }

    @Test
    void theBackArrowAndThenALinkForAnotherAccountKeepNothingOfTheFirstPassword() {
        Account own = TestPeople.newcomer(accounts, "own.back", hasher.hash(PASSWORD));
        Account other = TestPeople.account(accounts, "other.back", null);
        HttpAgent browser = TestPeople.browser(issuer);
        OidcClient.Request request = OidcClient.web();
        passwordOf(own, browser, request);
        // The back arrow leads to the email step; from there "Forgot your password?" with the other address.
        assertThat(browser.get("/signin").statusCode()).isEqualTo(200);

        HttpResponse<String> used = useLinkOf(other, browser);

        assertSignedInByTheLinkAlone(other, browser, request, used);
    }

    @Test
    void theBackArrowAndAnotherEmailThenItsLinkKeepNothingOfTheFirstPassword() {
        Account own = TestPeople.newcomer(accounts, "own.email", hasher.hash(PASSWORD));
        Account other = TestPeople.account(accounts, "other.email", null);
        HttpAgent browser = TestPeople.browser(issuer);
        OidcClient.Request request = OidcClient.web();
        passwordOf(own, browser, request);
        browser.get("/signin");
        assertThat(HttpAgent.location(browser.post("/signin", Map.of("email", other.email().value()))))
                .endsWith("/signin/password");

        HttpResponse<String> used = useLinkOf(other, browser);

        assertSignedInByTheLinkAlone(other, browser, request, used);
    }

    @Test
    void aPasswordAndALinkOfTheSameAccountAreTwoFirstFactorsNotTwoFactorAuthentication() {
        Account person = TestPeople.newcomer(accounts, "both.first", hasher.hash(PASSWORD));
        HttpAgent browser = TestPeople.browser(issuer);
        OidcClient.Request request = OidcClient.web();
        passwordOf(person, browser, request);

        // At the 2FA prompt, the person's own link: still one kind of factor, so the prompt comes again.
        HttpResponse<String> used = useLinkOf(person, browser);
        assertThat(HttpAgent.location(used)).endsWith("/signin/two-factor");
        HttpResponse<String> later = OidcClient.remindLaterIfAsked(browser, used);

        JsonNode idToken = idToken(browser, request, later);
        assertThat(idToken.get("sub").asString()).isEqualTo(person.id());
        assertThat(idToken.get("amr").toString()).isEqualTo("[\"pwd\",\"email\"]");
        assertThat(idToken.get("acr").asString()).isEqualTo("urn:portvakt:acr:1fa");
    }

    /** The account's own password, for an authorization request: it has no 2FA, so the 2FA prompt is next. */
    private void passwordOf(Account account, HttpAgent browser, OidcClient.Request request) {
        browser.get(HttpAgent.location(browser.get(request.authorizationUrl())));
        browser.post("/signin", Map.of("email", account.email().value()));
        browser.get("/signin/password");
        HttpResponse<String> prompt = browser.post("/signin/password", Map.of("password", PASSWORD));
        assertThat(HttpAgent.location(prompt)).endsWith("/signin/two-factor");
    }

    private HttpResponse<String> useLinkOf(Account other, HttpAgent browser) {
        String link = new Mailbox(jdbc).askAndAwait(browser, other.email().value(), "link");
        browser.get(link);
        return browser.post("/recovery/link", Map.of("token", Mailbox.token(link)));
    }

    private void assertSignedInByTheLinkAlone(Account other, HttpAgent browser, OidcClient.Request request,
            HttpResponse<String> used) {
        JsonNode idToken = idToken(browser, request, used);
        assertThat(idToken.get("sub").asString()).isEqualTo(other.id());
        assertThat(idToken.get("amr").toString()).isEqualTo("[\"email\"]");
        assertThat(idToken.get("acr").asString()).isEqualTo("urn:portvakt:acr:1fa");
        List<String> signIns = jdbc.sql("""
                SELECT detail FROM audit_event WHERE account_id = :a AND event_type = 'signin' AND outcome = 'success'
                """).param("a", other.id()).query(String.class).list();
        assertThat(signIns).containsExactly(SignInJourney.EMAIL_LINK_FACTOR);
    }

    private JsonNode idToken(HttpAgent browser, OidcClient.Request request, HttpResponse<String> backToApplication) {
        return OidcClient.idTokenAfter(browser, issuer, request, "test-web-secret", backToApplication);
    }
}
