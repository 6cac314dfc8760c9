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
import se.portvakt.factor.totp.TotpSecret;
import se.portvakt.password.PasswordHasher;
import se.portvakt.testing.HttpAgent;
import se.portvakt.testing.OidcClient;
import se.portvakt.testing.OnH2;
import se.portvakt.testing.OnPostgres;
import se.portvakt.testing.TestPeople;
import se.portvakt.testing.TwoFactorPerson;
import tools.jackson.databind.JsonNode;

/**
 * Journey step 3, "Reset password": the link opens "Enter new password" without being spent, the rules are
 * explained one by one, and the change continues the sign-in (or, on another device, says it is done), ends
 * the account's other sessions and refresh tokens, and is announced by mail.
 */
abstract class ResetPasswordTest {

    @OnH2
    static class OnEmbeddedDatabase extends ResetPasswordTest {}

    @OnPostgres
    static class OnPostgreSql extends ResetPasswordTest {}

    private static final String OLD = "the old password of mine";
    private static final String NEW = "a brand new passphrase";

    @Value("${portvakt.issuer}")
    String issuer;

    @Autowired
    AccountStore accounts;

    @Autowired
    PasswordHasher hasher;

    @Autowired
    JdbcClient jdbc;

    @Test
    void openingTheLinkDoesNotSpendIt() {
        Account person = TestPeople.account(accounts, "scanned", null);
        HttpAgent browser = TestPeople.browser(issuer);
        String link = new Mailbox(jdbc).askAndAwait(browser, person.email().value(), "reset");

        // A mail scanner opens the link first, then the person does.
        HttpResponse<String> scanned = TestPeople.browser(issuer).get(link);
        HttpResponse<String> opened = browser.get(link);

        assertThat(scanned.statusCode()).isEqualTo(200);
        assertThat(opened.statusCode()).isEqualTo(200);
        assertThat(opened.body()).contains("Enter new password", "Change password", "For " + person.email().value());
        assertThat(change(browser, link, NEW, NEW).body()).contains("Your password was changed");
    }

    @Test
    void eachBrokenRuleIsExplainedAndTheLinkStillWorks() {
        Account person = TestPeople.account(accounts, "rules", null);
        String email = person.email().value();
        HttpAgent browser = TestPeople.browser(issuer);
        String link = new Mailbox(jdbc).askAndAwait(browser, email, "reset");
        browser.get(link);

        assertRefused(browser, link, "short", "short", "Use at least 8 characters.");
        assertRefused(browser, link, "x".repeat(257), "x".repeat(257), "Use at most 256 characters.");
        assertRefused(browser, link, "qwertyuiop", "qwertyuiop", "This password is too common.");
        String withEmail = "mine " + email.substring(0, email.indexOf('@')) + " ok";
        assertRefused(browser, link, withEmail, withEmail, "Do not use your email address in your password.");
        assertRefused(browser, link, NEW, NEW + " but different", "The two passwords are not the same.");
        assertRefused(browser, link, NEW, "", "The two passwords are not the same.");

        assertThat(change(browser, link, NEW, NEW).body()).contains("Your password was changed");
    }

    @Test
    void inTheSameBrowserTheSignInContinuesToTheApplication() {
        Account person = TestPeople.account(accounts, "continues", hasher.hash(OLD));
        String email = person.email().value();
        HttpAgent browser = TestPeople.browser(issuer);
        OidcClient.Request request = OidcClient.web();
        browser.get(HttpAgent.location(browser.get(request.authorizationUrl())));
        browser.post("/signin", Map.of("email", email));
        browser.get("/signin/password");
        assertThat(browser.get("/signin/forgot").body()).contains("value=\"" + email + "\"");
        String link = new Mailbox(jdbc).askAndAwait(browser, email, "reset");
        browser.get(link);

        HttpResponse<String> done = change(browser, link, NEW, NEW);

        assertThat(HttpAgent.location(done)).contains("/oauth2/authorize");
        HttpResponse<String> toClient = browser.get(HttpAgent.location(done));
        assertThat(HttpAgent.location(toClient)).startsWith(request.redirectUri).contains("code=")
                .contains("state=" + request.state);
    }

    @Test
    void onAnotherDeviceItEndsAtPasswordChangedAndOnlyTheNewPasswordWorks() {
        Account person = TestPeople.account(accounts, "otherdevice", hasher.hash(OLD));
        String email = person.email().value();
        String link = new Mailbox(jdbc).askAndAwait(TestPeople.browser(issuer), email, "reset");
        HttpAgent phone = TestPeople.browser(issuer);
        phone.get(link);

        HttpResponse<String> done = change(phone, link, NEW, NEW);

        assertThat(done.statusCode()).isEqualTo(200);
        assertThat(done.body()).contains("Your password was changed", "You can now sign in as " + email + " with your new password.");
        assertThat(passwordStep(email, OLD).body()).contains("The email address or password is incorrect.");
        URI signedIn = OidcClient.signIn(TestPeople.browser(issuer), OidcClient.web(), email, NEW);
        assertThat(OidcClient.param(signedIn, "code")).isNotBlank();
    }

    @Test
    void theChangeEndsOtherSessionsRevokesRefreshTokensAndSendsANotice() {
        Account person = TestPeople.account(accounts, "revoked", hasher.hash(OLD));
        String email = person.email().value();
        HttpAgent laptop = TestPeople.browser(issuer);
        OidcClient.Request request = OidcClient.web();
        JsonNode tokens = exchange(request, OidcClient.signIn(laptop, request, email, OLD));
        HttpResponse<String> before = refresh(tokens.get("refresh_token").asString());
        assertThat(before.statusCode()).isEqualTo(200);
        JsonNode rotated = OidcClient.json(before);
        String refreshToken = (rotated.has("refresh_token") ? rotated : tokens).get("refresh_token").asString();
        Mailbox mailbox = new Mailbox(jdbc);
        String link = mailbox.askAndAwait(TestPeople.browser(issuer), email, "reset");
        HttpAgent phone = TestPeople.browser(issuer);
        phone.get(link);

        assertThat(change(phone, link, NEW, NEW).body()).contains("Your password was changed");

        HttpResponse<String> refreshed = refresh(refreshToken);
        assertThat(refreshed.statusCode()).isEqualTo(400);
        assertThat(OidcClient.json(refreshed).get("error").asString()).isEqualTo("invalid_grant");
        // The laptop's session is over: the application sends it to the sign-in again.
        HttpResponse<String> again = laptop.get(OidcClient.web().authorizationUrl());
        assertThat(HttpAgent.location(again)).contains("/signin");
        mailbox.awaitMails(email, 2);
        assertThat(mailbox.subjects(email)).containsExactly("Set your new password", "Your password was changed");
        assertThat(mailbox.mails(email).get(1)).contains(email).contains("every other place you were signed in was signed out");
    }

    @Test
    void aSignInLinkMailedBeforeTheResetNoLongerWorksAfterIt() {
        Account person = TestPeople.account(accounts, "stale.link", hasher.hash(OLD));
        String email = person.email().value();
        Mailbox mailbox = new Mailbox(jdbc);
        HttpAgent elsewhere = TestPeople.browser(issuer);
        String signInLink = mailbox.askAndAwait(elsewhere, email, "link");
        String reset = mailbox.askAndAwait(TestPeople.browser(issuer), email, "reset");
        HttpAgent phone = TestPeople.browser(issuer);
        phone.get(reset);

        assertThat(change(phone, reset, NEW, NEW).body()).contains("Your password was changed");

        assertNoLongerWorks(elsewhere.get(signInLink));
        assertNoLongerWorks(elsewhere.post("/recovery/link", Map.of("token", Mailbox.token(signInLink))));
    }

    @Test
    void aSignInThatPassedTheOldPasswordElsewhereCannotFinishAfterTheReset() {
        Account person = TestPeople.newcomer(accounts, "stale.flow", hasher.hash(OLD));
        String email = person.email().value();
        HttpAgent atPrompt = TestPeople.browser(issuer);
        assertThat(HttpAgent.location(passwordStep(atPrompt, email, OLD))).endsWith("/signin/two-factor");
        TwoFactorPerson phone = new TwoFactorPerson(jdbc);
        HttpAgent enrolling = TestPeople.browser(issuer);
        passwordStep(enrolling, email, OLD);
        TotpSecret key = phone.enrol(enrolling, null).key();
        HttpAgent atCode = TestPeople.browser(issuer);
        assertThat(HttpAgent.location(passwordStep(atCode, email, OLD))).endsWith("/signin/authenticator-code");
        String link = new Mailbox(jdbc).askAndAwait(TestPeople.browser(issuer), email, "reset");
        HttpAgent resetting = TestPeople.browser(issuer);
        resetting.get(link);

        assertThat(change(resetting, link, NEW, NEW).body()).contains("Your password was changed");

        assertStoppedAtTheEmail(atPrompt.post("/signin/two-factor", Map.of("action", "later")));
        assertStoppedAtTheEmail(atCode.post("/signin/authenticator-code", Map.of("code", phone.codeNow(key, 1))));
        assertThat(jdbc.sql("SELECT COUNT(*) FROM audit_event WHERE account_id = :a AND event_type = 'signin.totp'")
                .param("a", person.id()).query(Integer.class).single()).as("no code was checked").isZero();
    }

    @Test
    void theSignInThatAskedForTheLinkGoesOnWithTheLinkAsItsProofNotTheOldPassword() {
        Account person = TestPeople.newcomer(accounts, "asked.at.prompt", hasher.hash(OLD));
        String email = person.email().value();
        HttpAgent browser = TestPeople.browser(issuer);
        OidcClient.Request request = OidcClient.web();
        browser.get(HttpAgent.location(browser.get(request.authorizationUrl())));
        browser.post("/signin", Map.of("email", email));
        browser.get("/signin/password");
        assertThat(HttpAgent.location(browser.post("/signin/password", Map.of("password", OLD))))
                .endsWith("/signin/two-factor");
        String link = new Mailbox(jdbc).askAndAwait(browser, email, "reset");
        browser.get(link);

        HttpResponse<String> done = change(browser, link, NEW, NEW);

        assertThat(HttpAgent.location(done)).as(done.body()).endsWith("/signin/two-factor");
        HttpResponse<String> later = browser.post("/signin/two-factor", Map.of("action", "later"));
        assertThat(HttpAgent.location(later)).contains("/oauth2/authorize");
        URI callback = URI.create(HttpAgent.location(browser.get(HttpAgent.location(later))));
        JsonNode idToken = OidcClient.claims(exchange(request, callback).get("id_token").asString());
        assertThat(idToken.get("amr").toString()).as("the old password no longer counts").doesNotContain("\"pwd\"")
                .contains("\"email\"");
    }

    private static void assertNoLongerWorks(HttpResponse<String> page) {
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("This link no longer works");
    }

    private static void assertStoppedAtTheEmail(HttpResponse<String> page) {
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("Your sign-in took too long and was stopped for your safety.");
    }

    private HttpResponse<String> change(HttpAgent browser, String link, String password, String confirm) {
        return browser.post("/recovery/reset", Map.of("token", Mailbox.token(link), "password", password, "confirm", confirm));
    }

    private void assertRefused(HttpAgent browser, String link, String password, String confirm, String message) {
        HttpResponse<String> page = change(browser, link, password, confirm);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains(message).contains("Change password").doesNotContain("Your password was changed");
        // Still not spent.
        assertThat(browser.get(link).body()).contains("Change password");
    }

    private HttpResponse<String> passwordStep(String email, String password) {
        return passwordStep(TestPeople.browser(issuer), email, password);
    }

    private HttpResponse<String> passwordStep(HttpAgent browser, String email, String password) {
        browser.get(HttpAgent.location(browser.get(OidcClient.web().authorizationUrl())));
        browser.post("/signin", Map.of("email", email));
        browser.get("/signin/password");
        return browser.post("/signin/password", Map.of("password", password));
    }

    private JsonNode exchange(OidcClient.Request request, URI callback) {
        HttpResponse<String> response = app().post("/oauth2/token", OidcClient.codeExchange(request, OidcClient.param(callback, "code")));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return OidcClient.json(response);
    }

    private HttpResponse<String> refresh(String refreshToken) {
        return app().post("/oauth2/token", OidcClient.form("grant_type", "refresh_token", "refresh_token", refreshToken));
    }

    private HttpAgent app() {
        return new HttpAgent(issuer).header("Authorization", OidcClient.basic("test-web", "test-web-secret"));
    }
}
