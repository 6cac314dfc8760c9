package se.portvakt.myaccount;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

import se.portvakt.account.Account;
import se.portvakt.account.AccountStore;
import se.portvakt.config.PortvaktProperties;
import se.portvakt.password.PasswordHasher;
import se.portvakt.testing.HttpAgent;
import se.portvakt.testing.LimitWindows;
import se.portvakt.testing.OidcClient;
import se.portvakt.testing.OnH2;
import se.portvakt.testing.OnPostgres;
import se.portvakt.testing.TestPeople;
import se.portvakt.testing.TwoFactorPerson;

/**
 * My account's password page (decision 0032), with a sign-in a moment ago (inside the re-authentication window): the
 * change, its refusals (wrong current password, the reset page's rules, no CSRF token), what a change ends (the other
 * browser's session, the application's refresh token) and keeps (this session), the notice mail, and a person without
 * a password creating one.
 */
abstract class PasswordPageTest {

    @OnH2
    static class OnEmbeddedDatabase extends PasswordPageTest {}

    @OnPostgres
    static class OnPostgreSql extends PasswordPageTest {}

    private static final String OLD = "a long enough password";
    private static final String NEW = "another quite long password";
    private static final String PAGE = "/account/password";

    @Value("${portvakt.issuer}")
    String issuer;

    @Autowired
    AccountStore accounts;

    @Autowired
    PasswordHasher hasher;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    PortvaktProperties properties;

    @Test
    void theNavigationLeadsToThePasswordPage() {
        Account person = TestPeople.account(accounts, "password.nav", hasher.hash(OLD));
        HttpAgent browser = signedInAtMyAccount(person);

        assertThat(browser.get("/account").body()).contains("href=\"/account/password\"", ">Password</a>");
        HttpResponse<String> page = browser.get(PAGE);

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("Change your password", "name=\"current\"", "name=\"password\"",
                "name=\"confirm\"", "name=\"_csrf\"", "aria-current=\"page\">Password</a>");
    }

    @Test
    void theChangeEndsTheOtherSessionAndTheRefreshTokenKeepsThisOneAndMailsANotice() {
        Account person = TestPeople.account(accounts, "password.change", hasher.hash(OLD));
        String email = person.email().value();
        HttpAgent laptop = TestPeople.browser(issuer);
        OidcClient.Request request = OidcClient.web();
        JsonNode tokens = exchange(request, OidcClient.signIn(laptop, request, email, OLD));
        String refreshToken = tokens.get("refresh_token").asString();
        HttpAgent browser = signedInAtMyAccount(person);
        browser.get(PAGE);

        HttpResponse<String> changed = browser.post(PAGE, Map.of("current", OLD, "password", NEW, "confirm", NEW));

        assertThat(HttpAgent.location(changed)).as("the confirmation kept in the session").endsWith(PAGE);
        HttpResponse<String> confirmation = browser.get(HttpAgent.location(changed));
        assertThat(confirmation.body()).contains("Your password was changed. You were signed out everywhere else");
        assertThat(browser.get(PAGE).body()).as("shown once").doesNotContain("Your password was changed.");
        // A link that would say so without a change leads to the plain page.
        for (String crafted : List.of("?changed=changed", "?changed=created")) {
            HttpResponse<String> link = browser.get(PAGE + crafted);
            assertThat(HttpAgent.location(link)).endsWith(PAGE);
            assertThat(browser.follow(link).body()).doesNotContain("Your password was");
        }
        assertThat(browser.get("/account").statusCode()).as("this session stays").isEqualTo(200);
        assertThat(HttpAgent.location(laptop.get("/account"))).as("the other browser is signed out").endsWith("/signin");
        HttpResponse<String> refreshed = refresh(refreshToken);
        assertThat(refreshed.statusCode()).isEqualTo(400);
        assertThat(OidcClient.json(refreshed).get("error").asString()).isEqualTo("invalid_grant");
        assertThat(hasher.verify(NEW, accounts.findById(person.id()).orElseThrow().passwordHash().orElseThrow())
                .matches()).isTrue();
        assertThat(new TwoFactorPerson(jdbc).mailSubjectsTo(email, "Your password was changed"))
                .contains("Your password was changed");
        assertThat(jdbc.sql("SELECT text_body FROM dev_outbox WHERE recipient = :to AND subject = :s")
                .param("to", email).param("s", "Your password was changed").query(String.class).single())
                .contains("every other place you were signed in was signed out");
        assertThat(audited(person, "password.changed", "success")).isEqualTo(1);
        // The application's sign-in with the new password works; the old one no longer does.
        assertThat(OidcClient.param(OidcClient.signIn(TestPeople.browser(issuer), OidcClient.web(), email, NEW), "code"))
                .isNotBlank();
    }

    @Test
    void aWrongCurrentPasswordIsRefusedCountedAndAuditedAndLocksAsTheSignInDoes() {
        // Eleven attempts and a sign-in counted exactly: all in one window of the limits, not weighed across an edge.
        LimitWindows.awayFromTheEnd(properties.limits().window(), Duration.ofMinutes(1));
        Account person = TestPeople.account(accounts, "password.wrong", hasher.hash(OLD));
        String address = TestPeople.uniqueAddress();
        HttpAgent browser = atThePageFrom(address, person);

        for (int attempt = 1; attempt <= 10; attempt++) {
            HttpResponse<String> refused = browser.post(PAGE,
                    Map.of("current", "not the password " + attempt, "password", NEW, "confirm", NEW));
            assertThat(refused.statusCode()).isEqualTo(200);
            assertThat(refused.body()).contains("The current password is incorrect.");
        }
        assertThat(audited(person, "password.change", "failure")).isEqualTo(10);

        HttpResponse<String> locked = browser.post(PAGE, Map.of("current", OLD, "password", NEW, "confirm", NEW));
        assertThat(locked.statusCode()).isEqualTo(200);
        assertThat(locked.body()).contains("Too many attempts. Try again in");
        assertThat(audited(person, "password.change", "locked")).isEqualTo(1);
        assertThat(hasher.verify(OLD, accounts.findById(person.id()).orElseThrow().passwordHash().orElseThrow())
                .matches()).as("not changed").isTrue();
        // The same limit as the sign-in's: this email is now locked at the sign-in from this address too.
        HttpAgent sameAddress = new HttpAgent(issuer).header("X-Forwarded-For", address).header("Accept", "text/html");
        sameAddress.get("/signin");
        sameAddress.post("/signin", Map.of("email", person.email().value()));
        assertThat(sameAddress.post("/signin/password", Map.of("password", OLD)).body())
                .contains("Too many attempts. Try again in");
        // And the overview counts them as failed attempts.
        assertThat(browser.get("/account").body()).contains("10 failed sign-in attempts");
    }

    @Test
    void aChangeFromAnAddressFullOfChecksInFlightThatDoNotEndIsAnsweredBusyNotLocked() {
        LimitWindows.awayFromTheEnd(properties.limits().window(), Duration.ofMinutes(1));
        Account person = TestPeople.account(accounts, "password.busy", hasher.hash(OLD));
        String address = TestPeople.uniqueAddress();
        HttpAgent browser = atThePageFrom(address, person);
        LimitWindows.checksInFlightFrom(jdbc, address, properties.limits().failedSignInsPerAddress(),
                properties.limits().window());

        HttpResponse<String> busy = browser.post(PAGE, Map.of("current", OLD, "password", NEW, "confirm", NEW));

        assertThat(busy.statusCode()).isEqualTo(200);
        assertThat(busy.body()).contains("Many people are signing in right now. Please try again in a moment.")
                .doesNotContain("Too many attempts");
        assertThat(audited(person, "password.change", "locked") + audited(person, "password.change", "failure"))
                .isZero();
        assertThat(hasher.verify(OLD, accounts.findById(person.id()).orElseThrow().passwordHash().orElseThrow())
                .matches()).as("not changed").isTrue();

        LimitWindows.checksInFlightEnd(jdbc, address);
        assertThat(HttpAgent.location(browser.post(PAGE, Map.of("current", OLD, "password", NEW, "confirm", NEW))))
                .endsWith(PAGE);
        assertThat(hasher.verify(NEW, accounts.findById(person.id()).orElseThrow().passwordHash().orElseThrow())
                .matches()).as("changed once the checks ended").isTrue();
    }

    @Test
    void theResetPagesRulesAndMessagesHold() {
        Account person = TestPeople.account(accounts, "password.rules", hasher.hash(OLD));
        HttpAgent browser = signedInAtMyAccount(person);
        browser.get(PAGE);

        assertThat(browser.post(PAGE, Map.of("current", OLD, "password", NEW, "confirm", NEW + "x")).body())
                .contains("The two passwords are not the same.");
        assertThat(browser.post(PAGE, Map.of("current", OLD, "password", "short", "confirm", "short")).body())
                .contains("Use at least 8 characters.");
        assertThat(browser.post(PAGE, Map.of("current", OLD, "password", "password123", "confirm", "password123"))
                .body()).contains("This password is too common.");
        String tooLong = "x".repeat(300);
        assertThat(browser.post(PAGE, Map.of("current", OLD, "password", tooLong, "confirm", tooLong)).body())
                .contains("Use at most 256 characters.");
        assertThat(hasher.verify(OLD, accounts.findById(person.id()).orElseThrow().passwordHash().orElseThrow())
                .matches()).as("not changed").isTrue();
        assertThat(audited(person, "password.change", "failure")).as("the current password was right").isZero();
    }

    @Test
    void withoutItsCsrfTokenTheFormIsRefused() {
        Account person = TestPeople.account(accounts, "password.csrf", hasher.hash(OLD));
        HttpAgent browser = signedInAtMyAccount(person);
        browser.get(PAGE);

        assertThat(browser.post(PAGE, Map.of("_csrf", "forged", "current", OLD, "password", NEW, "confirm", NEW))
                .statusCode()).isEqualTo(403);
        String form = HttpAgent.encode(Map.of("current", OLD, "password", NEW, "confirm", NEW));
        assertThat(browser.postRaw(PAGE, "application/x-www-form-urlencoded", form.getBytes(StandardCharsets.UTF_8))
                .statusCode()).isEqualTo(403);
        assertThat(hasher.verify(OLD, accounts.findById(person.id()).orElseThrow().passwordHash().orElseThrow())
                .matches()).isTrue();
    }

    @Test
    void badInputIsNeverA500() {
        Account person = TestPeople.account(accounts, "password.bad", hasher.hash(OLD));
        HttpAgent browser = signedInAtMyAccount(person);
        browser.get(PAGE);

        assertThat(browser.post(PAGE, Map.of()).statusCode()).isEqualTo(200);
        assertThat(browser.post(PAGE, Map.of("current", OLD)).body()).contains("Use at least 8 characters.");
        Map<String, String> odd = new HashMap<>(Map.of("current", "\u0000\uD800", "password", "\uFFFF".repeat(9),
                "confirm", ""));
        assertThat(browser.post(PAGE, odd).statusCode()).isEqualTo(200);
        assertThat(browser.post(PAGE + "?current=x&password=y", Map.of("confirm", "z")).statusCode()).isEqualTo(200);
        assertThat(HttpAgent.location(browser.get(PAGE + "?current=%25"))).as("a query is dropped").endsWith(PAGE);
    }

    @Test
    void aPersonWithoutAPasswordCreatesOne() {
        Account person = TestPeople.account(accounts, "password.create", hasher.hash(OLD));
        HttpAgent browser = signedInAtMyAccount(person);
        // A migrated person, who signs in by link: no password stored.
        jdbc.sql("UPDATE account SET password_hash = NULL WHERE id = :id").param("id", person.id()).update();

        HttpResponse<String> page = browser.get(PAGE);

        assertThat(page.body()).contains("Create a password", "Create password").doesNotContain("name=\"current\"");
        HttpResponse<String> created = browser.post(PAGE, Map.of("password", NEW, "confirm", NEW));
        assertThat(browser.get(HttpAgent.location(created)).body()).contains("Your password was created.")
                .contains("name=\"current\"");
        assertThat(audited(person, "password.changed", "success")).isEqualTo(1);
        assertThat(OidcClient.param(OidcClient.signIn(TestPeople.browser(issuer), OidcClient.web(),
                person.email().value(), NEW), "code")).isNotBlank();
    }

    /** A browser at this page from {@code address}, signed in as {@code person} from there. */
    private HttpAgent atThePageFrom(String address, Account person) {
        HttpAgent browser = new HttpAgent(issuer).header("X-Forwarded-For", address).header("Accept", "text/html");
        signInAtMyAccount(browser, person);
        browser.get(PAGE);
        return browser;
    }

    private HttpAgent signedInAtMyAccount(Account person) {
        HttpAgent browser = TestPeople.browser(issuer);
        signInAtMyAccount(browser, person);
        return browser;
    }

    private void signInAtMyAccount(HttpAgent browser, Account person) {
        browser.get(HttpAgent.location(browser.get("/account")));
        browser.post("/signin", Map.of("email", person.email().value()));
        HttpResponse<String> page = browser.follow(browser.post("/signin/password", Map.of("password", OLD)));
        assertThat(page.uri().getPath()).as(page.body()).isEqualTo("/account");
    }

    private int audited(Account person, String type, String outcome) {
        return jdbc.sql("SELECT COUNT(*) FROM audit_event WHERE account_id = :a AND event_type = :t AND outcome = :o")
                .param("a", person.id()).param("t", type).param("o", outcome).query(Integer.class).single();
    }

    private JsonNode exchange(OidcClient.Request request, URI callback) {
        HttpResponse<String> response = app().post("/oauth2/token",
                OidcClient.codeExchange(request, OidcClient.param(callback, "code")));
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
