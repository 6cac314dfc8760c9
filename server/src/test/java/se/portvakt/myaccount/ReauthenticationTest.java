package se.portvakt.myaccount;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;

import se.portvakt.account.Account;
import se.portvakt.account.AccountStore;
import se.portvakt.password.PasswordHasher;
import se.portvakt.testing.CaptchaSolver;
import se.portvakt.testing.HttpAgent;
import se.portvakt.testing.OidcClient;
import se.portvakt.testing.OnH2;
import se.portvakt.testing.OnPostgres;
import se.portvakt.testing.TestPeople;
import se.portvakt.testing.TwoFactorPerson;
import se.portvakt.testing.TwoFactorPerson.Enrolled;

/**
 * A change on My account needs a recent sign-in (decision 0032); here the window is a few seconds, so a test waits it
 * out: the person then confirms with the password (and the second factor), on a new session id, and comes back to the
 * change; a confirmation that ends with another account signs the browser out.
 */
@TestPropertySource(properties = "portvakt.account.reauthentication-window=" + ReauthenticationTest.WINDOW_SECONDS + "s")
abstract class ReauthenticationTest {

    @OnH2
    static class OnEmbeddedDatabase extends ReauthenticationTest {}

    @OnPostgres
    static class OnPostgreSql extends ReauthenticationTest {}

    static final int WINDOW_SECONDS = 4;

    private static final String PASSWORD = "a long enough password";
    private static final String NEW = "another quite long password";
    private static final String PAGE = "/account/password";
    private static final String SESSION = "PORTVAKT_SESSION";

    @Value("${portvakt.issuer}")
    String issuer;

    @Autowired
    AccountStore accounts;

    @Autowired
    PasswordHasher hasher;

    @Autowired
    JdbcClient jdbc;

    @Test
    void anOlderSignInConfirmsWithThePasswordAndComesBackOnANewSessionId() {
        Account person = TestPeople.account(accounts, "reauth.password", hasher.hash(PASSWORD));
        HttpAgent browser = signedInAtMyAccount(person);
        assertThat(browser.get(PAGE).statusCode()).as("a sign-in a moment ago is recent").isEqualTo(200);
        outwait();

        HttpResponse<String> door = browser.get(PAGE);

        assertThat(HttpAgent.location(door)).endsWith("/signin/reauthenticate");
        assertThat(door.body()).doesNotContain("name=\"current\"");
        HttpResponse<String> toPassword = browser.get(HttpAgent.location(door));
        assertThat(HttpAgent.location(toPassword)).as("no email step").endsWith("/signin/password");
        HttpResponse<String> confirm = browser.get("/signin/password");
        assertThat(confirm.body()).contains("Confirm it is you", "To change your account, sign in again.",
                person.email().value());
        assertThat(confirm.body()).as("back leads to My account, not to another email")
                .contains("href=\"/account\"", "Back to My account").doesNotContain("href=\"/signin\"");
        HttpResponse<String> wrong = browser.post("/signin/password", Map.of("password", "not the password"));
        assertThat(wrong.body()).contains("The email address or password is incorrect.");
        assertThat(audited(person, "signin.password", "failure")).isEqualTo(1);
        String before = browser.cookie(SESSION);

        HttpResponse<String> confirmed = browser.post("/signin/password", Map.of("password", PASSWORD));

        assertThat(HttpAgent.location(confirmed)).contains(PAGE);
        assertThat(browser.cookie(SESSION)).as("a new session id (session fixation)").isNotEqualTo(before);
        HttpResponse<String> page = browser.follow(confirmed);
        assertThat(page.uri().getPath()).isEqualTo(PAGE);
        assertThat(page.uri().getQuery()).isNull();
        assertThat(page.body()).contains("Change your password", "name=\"current\"");
        assertThat(audited(person, "signin.reauthenticate", "success")).isEqualTo(1);
        // The session goes on: its sign-in is still the one that began it.
        assertThat(browser.get("/account").body()).contains("This is your first sign-in.");
    }

    @Test
    void aFormPostedAfterTheWindowChangesNothingAndComesBackAsThePage() {
        Account person = TestPeople.account(accounts, "reauth.post", hasher.hash(PASSWORD));
        HttpAgent browser = signedInAtMyAccount(person);
        browser.get(PAGE);
        outwait();

        HttpResponse<String> late = browser.post(PAGE, Map.of("current", PASSWORD, "password", NEW, "confirm", NEW));

        assertThat(HttpAgent.location(late)).endsWith("/signin/reauthenticate");
        assertThat(hasher.verify(PASSWORD, accounts.findById(person.id()).orElseThrow().passwordHash().orElseThrow())
                .matches()).as("not changed").isTrue();
        browser.get(HttpAgent.location(late));
        HttpResponse<String> page = browser.follow(browser.post("/signin/password", Map.of("password", PASSWORD)));
        assertThat(page.uri().getPath()).isEqualTo(PAGE);
        assertThat(page.body()).contains("Change your password").doesNotContain("Your password was changed");
        HttpResponse<String> changed = browser.post(PAGE, Map.of("current", PASSWORD, "password", NEW, "confirm", NEW));
        assertThat(browser.get(HttpAgent.location(changed)).body()).contains("Your password was changed.");
    }

    @Test
    void aPersonWith2faConfirmsWithTheSecondFactorToo() {
        Account person = TestPeople.newcomer(accounts, "reauth.2fa", hasher.hash(PASSWORD));
        TwoFactorPerson phone = new TwoFactorPerson(jdbc);
        Enrolled enrolled = enrolledElsewhere(person, phone);
        HttpAgent browser = TestPeople.browser(issuer);
        browser.get(HttpAgent.location(browser.get("/account")));
        browser.post("/signin", Map.of("email", person.email().value()));
        browser.post("/signin/password", Map.of("password", PASSWORD));
        browser.get("/signin/authenticator-code");
        assertThat(browser.follow(browser.post("/signin/authenticator-code",
                Map.of("code", phone.codeNow(enrolled.key(), 1)))).uri().getPath()).isEqualTo("/account");
        outwait();
        // As if half a minute had passed: the app shows a code of a time step not used yet.
        jdbc.sql("UPDATE account_factor SET last_step = NULL WHERE account_id = :a").param("a", person.id()).update();

        browser.get(HttpAgent.location(browser.get(PAGE)));
        HttpResponse<String> password = browser.post("/signin/password", Map.of("password", PASSWORD));

        assertThat(HttpAgent.location(password)).as("not back with the password alone")
                .endsWith("/signin/authenticator-code");
        assertThat(HttpAgent.location(browser.get(PAGE))).as("still not recent").endsWith("/signin/reauthenticate");
        browser.get(HttpAgent.location(browser.get(PAGE)));
        browser.post("/signin/password", Map.of("password", PASSWORD));
        browser.get("/signin/authenticator-code");
        HttpResponse<String> page = browser.follow(browser.post("/signin/authenticator-code",
                Map.of("code", phone.codeNow(enrolled.key(), 0))));
        assertThat(page.uri().getPath()).isEqualTo(PAGE);
        assertThat(page.body()).contains("Change your password");
    }

    @Test
    void aConfirmationThatEndsWithAnotherAccountSignsTheBrowserOut() {
        Account anna = TestPeople.account(accounts, "reauth.anna", hasher.hash(PASSWORD));
        Account bertil = TestPeople.account(accounts, "reauth.bertil", hasher.hash(PASSWORD));
        HttpAgent browser = signedInAtMyAccount(anna);
        outwait();
        browser.get(HttpAgent.location(browser.get(PAGE)));

        // Back to the email by hand (the back arrow leads to My account), and Bertil's email and password.
        assertThat(browser.get("/signin").statusCode()).isEqualTo(200);
        browser.post("/signin", Map.of("email", bertil.email().value()));
        HttpResponse<String> refused = browser.post("/signin/password", Map.of("password", PASSWORD));

        assertThat(HttpAgent.location(refused)).endsWith("/signed-out");
        assertThat(HttpAgent.location(browser.get("/account"))).as("signed out, neither Anna nor Bertil")
                .endsWith("/signin");
        assertThat(audited(anna, "signin.reauthenticate", "another-account")).isEqualTo(1);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM audit_event WHERE account_id = :b AND event_type = 'signin'")
                .param("b", bertil.id()).query(Integer.class).single()).as("no sign-in of Bertil").isZero();
    }

    @Test
    void aPersonWithoutAPasswordConfirmsByALinkAndCreatesOne() {
        Account person = TestPeople.account(accounts, "reauth.link", null);
        HttpAgent browser = TestPeople.browser(issuer);
        browser.get(HttpAgent.location(browser.get("/account")));
        browser.post("/signin", Map.of("email", person.email().value()));
        assertThat(signInByLink(browser, person).uri().getPath()).isEqualTo("/account");
        outwait();

        browser.get(HttpAgent.location(browser.get(PAGE)));
        assertThat(browser.get("/signin/password").body()).contains("Confirm it is you");
        HttpResponse<String> page = signInByLink(browser, person);

        assertThat(page.uri().getPath()).isEqualTo(PAGE);
        assertThat(page.body()).contains("Create a password").doesNotContain("name=\"current\"");
        HttpResponse<String> created = browser.post(PAGE, Map.of("password", NEW, "confirm", NEW));
        assertThat(browser.get(HttpAgent.location(created)).body()).contains("Your password was created.");
    }

    @Test
    void theConfirmationPageWithNothingSavedGoesHome() {
        HttpResponse<String> nothing = TestPeople.browser(issuer).get("/signin/reauthenticate");
        assertThat(nothing.statusCode()).isEqualTo(302);
        assertThat(HttpAgent.location(nothing)).doesNotContain("/signin/password");
    }

    private HttpAgent signedInAtMyAccount(Account person) {
        HttpAgent browser = TestPeople.browser(issuer);
        browser.get(HttpAgent.location(browser.get("/account")));
        browser.post("/signin", Map.of("email", person.email().value()));
        HttpResponse<String> page = browser.follow(browser.post("/signin/password", Map.of("password", PASSWORD)));
        assertThat(page.uri().getPath()).as(page.body()).isEqualTo("/account");
        return browser;
    }

    /** From the password step: asks for a one-time sign-in link, and uses it in this browser; returns where it leads. */
    private HttpResponse<String> signInByLink(HttpAgent browser, Account person) {
        String email = person.email().value();
        int before = linksTo(email).size();
        browser.get("/signin/forgot");
        HttpResponse<String> sent = browser.post("/signin/forgot",
                Map.of("email", email, "kind", "link", "captcha", CaptchaSolver.solve(browser)));
        assertThat(sent.body()).contains("Please check your email");
        Instant until = Instant.now().plusSeconds(15);
        while (linksTo(email).size() <= before && Instant.now().isBefore(until)) {
            pause();
        }
        List<String> links = linksTo(email);
        assertThat(links).hasSizeGreaterThan(before);
        Matcher token = Pattern.compile("/recovery/link\\?token=([A-Za-z0-9_-]+)").matcher(links.get(links.size() - 1));
        assertThat(token.find()).isTrue();
        browser.get("/recovery/link?token=" + token.group(1));
        return browser.follow(browser.post("/recovery/link", Map.of("token", token.group(1))));
    }

    private List<String> linksTo(String email) {
        return jdbc.sql("SELECT text_body FROM dev_outbox WHERE recipient = :to AND channel = 'email' "
                        + "AND text_body LIKE '%/recovery/link?token=%' ORDER BY id")
                .param("to", email).query(String.class).list();
    }

    private static void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private Enrolled enrolledElsewhere(Account person, TwoFactorPerson phone) {
        HttpAgent other = TestPeople.browser(issuer);
        other.get(HttpAgent.location(
                other.get(OidcClient.web().authorizationUrl() + "&acr_values=urn%3Aportvakt%3Aacr%3A2fa")));
        other.post("/signin", Map.of("email", person.email().value()));
        assertThat(HttpAgent.location(other.post("/signin/password", Map.of("password", PASSWORD))))
                .endsWith("/signin/two-factor");
        return phone.enrol(other, null);
    }

    private int audited(Account person, String type, String outcome) {
        return jdbc.sql("SELECT COUNT(*) FROM audit_event WHERE account_id = :a AND event_type = :t AND outcome = :o")
                .param("a", person.id()).param("t", type).param("o", outcome).query(Integer.class).single();
    }

    /** Waits until the sign-in is older than the window. */
    private static void outwait() {
        try {
            Thread.sleep(WINDOW_SECONDS * 1000L + 300);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
