package se.portvakt.myaccount;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;

import se.portvakt.account.Account;
import se.portvakt.account.AccountStore;
import se.portvakt.delivery.mail.MailMessage;
import se.portvakt.delivery.mail.MailTemplates;
import se.portvakt.password.PasswordHasher;
import se.portvakt.testing.HttpAgent;
import se.portvakt.testing.OidcClient;
import se.portvakt.testing.OnH2;
import se.portvakt.testing.OnPostgres;
import se.portvakt.testing.TestPeople;
import se.portvakt.testing.TwoFactorPerson;
import se.portvakt.testing.TwoFactorPerson.Enrolled;

/**
 * A person opens My account ({@code /account}): the same sign-in journey as for an application, with their 2FA, then
 * the overview of their own account: the sign-in before this one and the failed attempts since then (decision 0028).
 */
abstract class MyAccountTest {

    @OnH2
    static class OnEmbeddedDatabase extends MyAccountTest {}

    @OnPostgres
    static class OnPostgreSql extends MyAccountTest {}

    private static final String PASSWORD = "a long enough password";
    private static final String CHROME_ON_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
            + "(KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
    private static final String FIREFOX_ON_LINUX =
            "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";
    /** The time of a sign-in as the page writes it: UTC, on one line (no-break spaces). */
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'\u00a0'HH:mm'\u00a0UTC'")
            .withZone(ZoneOffset.UTC);

    @Value("${portvakt.issuer}")
    String issuer;

    @Autowired
    AccountStore accounts;

    @Autowired
    PasswordHasher hasher;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    MailTemplates mailTemplates;

    // Reaching My account

    @Test
    void anUnsignedBrowserSignsInAndComesBackToMyAccount() {
        Account person = TestPeople.account(accounts, "account.first", hasher.hash(PASSWORD));
        HttpAgent browser = TestPeople.browser(issuer);

        HttpResponse<String> door = browser.get("/account");

        assertThat(HttpAgent.location(door)).endsWith("/signin");
        assertThat(door.body()).doesNotContain(person.email().value());
        HttpResponse<String> identify = browser.get(HttpAgent.location(door));
        assertThat(identify.statusCode()).isEqualTo(200);
        assertThat(identify.body()).as("Portvakt's own look: no application").doesNotContain("Sign in to");
        assertThat(HttpAgent.location(browser.post("/signin", Map.of("email", person.email().value()))))
                .endsWith("/signin/password");
        HttpResponse<String> signedIn = browser.post("/signin/password", Map.of("password", PASSWORD));

        HttpResponse<String> page = browser.follow(signedIn);

        assertThat(page.uri().getPath()).isEqualTo("/account");
        assertThat(page.uri().getQuery()).isNull();
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("My account", "Test account.first", person.email().value(),
                "This is your first sign-in.").doesNotContain("failed sign-in attempt", "Previous sign-in");
    }

    @Test
    void aPersonWith2faPassesTheirSecondFactorOnTheWayIn() {
        Account person = TestPeople.newcomer(accounts, "account.2fa", hasher.hash(PASSWORD));
        TwoFactorPerson phone = new TwoFactorPerson(jdbc);
        Enrolled enrolled = enrolledElsewhere(person, phone);
        HttpAgent browser = TestPeople.browser(issuer);

        browser.get(HttpAgent.location(browser.get("/account")));
        browser.post("/signin", Map.of("email", person.email().value()));
        HttpResponse<String> password = browser.post("/signin/password", Map.of("password", PASSWORD));

        assertThat(HttpAgent.location(password)).endsWith("/signin/authenticator-code");
        assertThat(browser.get("/signin/authenticator-code").body()).doesNotContain("Sign in to");
        assertThat(browser.get("/account").body()).as("not in with the password alone")
                .doesNotContain(person.email().value());
        browser.get("/signin/authenticator-code");
        HttpResponse<String> passed = browser.post("/signin/authenticator-code",
                Map.of("code", phone.codeNow(enrolled.key(), 1)));
        HttpResponse<String> page = browser.follow(passed);
        assertThat(page.uri().getPath()).isEqualTo("/account");
        assertThat(page.body()).contains(person.email().value());
    }

    @Test
    void aOneFactorSessionOfAPersonWith2faIsSteppedUpToTheSecondFactor() {
        Account person = TestPeople.newcomer(accounts, "account.step.up", hasher.hash(PASSWORD));
        HttpAgent browser = TestPeople.browser(issuer);
        OidcClient.signIn(browser, OidcClient.web(), person.email().value(), PASSWORD); // "Remind me later"
        // Meanwhile, on another computer, the person sets up 2FA.
        TwoFactorPerson phone = new TwoFactorPerson(jdbc);
        Enrolled enrolled = enrolledElsewhere(person, phone);

        HttpResponse<String> door = browser.get("/account");

        assertThat(HttpAgent.location(door)).endsWith("/signin/step-up");
        assertThat(door.body()).doesNotContain(person.email().value());
        assertThat(HttpAgent.location(browser.get(HttpAgent.location(door))))
                .as("straight to the second factor: no email, no password").endsWith("/signin/authenticator-code");
        browser.get("/signin/authenticator-code");
        HttpResponse<String> passed = browser.post("/signin/authenticator-code",
                Map.of("code", phone.codeNow(enrolled.key(), 1)));
        HttpResponse<String> page = browser.follow(passed);
        assertThat(page.uri().getPath()).isEqualTo("/account");
        // The step-up continues the session: "this sign-in" is still the one that began it, so neither it nor the
        // set-up elsewhere after it is the previous sign-in.
        assertThat(page.body()).contains(person.email().value(), "This is your first sign-in.");
        assertThat(browser.get("/account").statusCode()).as("two factors now: straight in").isEqualTo(200);
    }

    @Test
    void aPersonWithout2faIsInWithOneFactor() {
        Account person = TestPeople.account(accounts, "account.one.factor", hasher.hash(PASSWORD));
        HttpAgent browser = TestPeople.browser(issuer);
        OidcClient.signIn(browser, OidcClient.web(), person.email().value(), PASSWORD);

        HttpResponse<String> page = browser.get("/account");

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains(person.email().value());
    }

    @Test
    void aLinkWithAnApplicationsParametersStillStartsPortvaktsOwnSignIn() {
        Account person = TestPeople.account(accounts, "account.query", hasher.hash(PASSWORD));
        HttpAgent browser = TestPeople.browser(issuer);

        HttpResponse<String> identify = browser.follow(browser.get("/account?client_id=test-branded&acr_values=x"));

        assertThat(identify.uri().getPath()).isEqualTo("/signin");
        assertThat(identify.body()).doesNotContain("Brandt Payroll", "Sign in to");
        browser.post("/signin", Map.of("email", person.email().value()));
        HttpResponse<String> page = browser.follow(browser.post("/signin/password", Map.of("password", PASSWORD)));
        assertThat(page.uri().toString()).isEqualTo(issuer + "/account");
        assertThat(page.body()).contains(person.email().value());
    }

    // The overview

    @Test
    void thePreviousSignInAndTheFailedAttemptsSinceThenAreShown() {
        Account person = TestPeople.account(accounts, "account.previous", hasher.hash(PASSWORD));
        String officeAddress = TestPeople.uniqueAddress();
        HttpAgent office = new HttpAgent(issuer).header("X-Forwarded-For", officeAddress)
                .header("User-Agent", CHROME_ON_WINDOWS).header("Accept", "text/html");
        signInAtMyAccount(office, person);
        assertThat(office.get("/account").body()).contains("This is your first sign-in.");
        assertThat(HttpAgent.location(office.post("/signout", Map.of()))).endsWith("/signed-out");
        HttpAgent home = new HttpAgent(issuer).header("X-Forwarded-For", TestPeople.uniqueAddress())
                .header("User-Agent", FIREFOX_ON_LINUX).header("Accept", "text/html");

        home.get(HttpAgent.location(home.get("/account")));
        home.post("/signin", Map.of("email", person.email().value()));
        assertThat(home.post("/signin/password", Map.of("password", "not the password")).statusCode()).isEqualTo(200);
        assertThat(home.post("/signin/password", Map.of("password", "nor this one")).statusCode()).isEqualTo(200);
        HttpResponse<String> page = home.follow(home.post("/signin/password", Map.of("password", PASSWORD)));

        OffsetDateTime officeSignIn = jdbc.sql("""
                SELECT occurred_at FROM audit_event WHERE account_id = :a AND event_type = 'signin' ORDER BY id
                FETCH FIRST 1 ROWS ONLY
                """).param("a", person.id()).query(OffsetDateTime.class).single();
        // The words as read: the time is in an element of its own (kept on one line, and local in a browser).
        assertThat(page.body().replaceAll("<[^>]+>", ""))
                .contains("Previous sign-in: " + TIME.format(officeSignIn) + ", Chrome on Windows, " + officeAddress)
                .contains("2 failed sign-in attempts since then")
                .doesNotContain("first sign-in");
        // And the next sign-in sees this one, with no failures since.
        assertThat(HttpAgent.location(home.post("/signout", Map.of()))).endsWith("/signed-out");
        HttpAgent again = new HttpAgent(issuer).header("X-Forwarded-For", officeAddress)
                .header("User-Agent", CHROME_ON_WINDOWS).header("Accept", "text/html");
        String next = signInAtMyAccount(again, person);
        assertThat(next).contains(", Firefox on Linux, ").doesNotContain("failed sign-in attempt");
    }

    @Test
    void wrongCodesCountAsFailedAttemptsToo() {
        Account person = TestPeople.newcomer(accounts, "account.codes", hasher.hash(PASSWORD));
        TwoFactorPerson phone = new TwoFactorPerson(jdbc);
        Enrolled enrolled = enrolledElsewhere(person, phone);
        HttpAgent browser = TestPeople.browser(issuer);

        browser.get(HttpAgent.location(browser.get("/account")));
        browser.post("/signin", Map.of("email", person.email().value()));
        browser.post("/signin/password", Map.of("password", "not the password"));
        browser.post("/signin/password", Map.of("password", PASSWORD));
        browser.get("/signin/authenticator-code");
        browser.post("/signin/authenticator-code", Map.of("code", "000000".equals(phone.codeNow(enrolled.key(), 1))
                ? "111111" : "000000"));
        HttpResponse<String> page = browser.follow(browser.post("/signin/authenticator-code",
                Map.of("code", phone.codeNow(enrolled.key(), 1))));

        assertThat(page.uri().getPath()).isEqualTo("/account");
        assertThat(page.body()).contains("Previous sign-in: ").contains("2 failed sign-in attempts since then");
    }

    @Test
    void anotherPersonsSignInsAndAttemptsAreNeverShown() {
        Account anna = TestPeople.account(accounts, "account.anna", hasher.hash(PASSWORD));
        Account bertil = TestPeople.account(accounts, "account.bertil", hasher.hash(PASSWORD));
        HttpAgent elsewhere = TestPeople.browser(issuer);
        signInAtMyAccount(elsewhere, bertil);
        elsewhere.post("/signout", Map.of());
        HttpAgent guessing = TestPeople.browser(issuer);
        guessing.get("/signin");
        guessing.post("/signin", Map.of("email", bertil.email().value()));
        guessing.post("/signin/password", Map.of("password", "not the password"));
        HttpAgent shared = TestPeople.browser(issuer);

        String annas = signInAtMyAccount(shared, anna);

        assertThat(annas).contains(anna.email().value(), "This is your first sign-in.")
                .doesNotContain(bertil.email().value(), "Test account.bertil", "failed sign-in attempt");
        assertThat(HttpAgent.location(shared.get("/account?account=" + bertil.id()))).isEqualTo(issuer + "/account");
        // Bertil signs in on the same browser without Anna signing out: now it is his page, with his sign-ins only.
        shared.get("/signin");
        shared.post("/signin", Map.of("email", bertil.email().value()));
        shared.follow(shared.post("/signin/password", Map.of("password", PASSWORD)));
        assertThat(shared.get("/account").body()).contains(bertil.email().value(), "Previous sign-in: ",
                "1 failed sign-in attempt since then").doesNotContain(anna.email().value(), "Test account.anna");
    }

    // Leaving

    @Test
    void signOutFromMyAccountEndsTheSessionAndNeedsItsCsrfToken() {
        Account person = TestPeople.account(accounts, "account.sign.out", hasher.hash(PASSWORD));
        HttpAgent browser = TestPeople.browser(issuer);
        String page = signInAtMyAccount(browser, person);
        assertThat(page).contains("action=\"/signout\"", "name=\"_csrf\"");

        assertThat(browser.post("/signout", Map.of("_csrf", "forged")).statusCode()).isEqualTo(403);
        assertThat(browser.get("/account").statusCode()).as("still signed in").isEqualTo(200);
        assertThat(HttpAgent.location(browser.post("/signout", Map.of()))).endsWith("/signed-out");

        HttpResponse<String> signedOut = browser.get("/signed-out");
        assertThat(signedOut.body()).contains("href=\"/account\"", "My account");
        assertThat(HttpAgent.location(browser.get("/account"))).endsWith("/signin");
    }

    @Test
    void anAccountDeletedWhileSignedInIsSignedOutCalmly() {
        Account person = TestPeople.account(accounts, "account.deleted", hasher.hash(PASSWORD));
        HttpAgent browser = TestPeople.browser(issuer);
        signInAtMyAccount(browser, person);

        jdbc.sql("DELETE FROM account WHERE id = :id").param("id", person.id()).update();
        HttpResponse<String> gone = browser.get("/account");

        assertThat(gone.statusCode()).isEqualTo(302);
        assertThat(HttpAgent.location(gone)).endsWith("/signed-out");
        assertThat(HttpAgent.location(browser.get("/account"))).as("no session left").endsWith("/signin");
    }

    @Test
    void theErrorPageLinksToMyAccount() {
        HttpResponse<String> missing = TestPeople.browser(issuer).get("/signin/no-such-step");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).contains("href=\"/account\"", "My account");
    }

    @Test
    void noticeMailsEndWithALinkToMyAccount() {
        Account person = TestPeople.newcomer(accounts, "account.mail", hasher.hash(PASSWORD));
        TwoFactorPerson phone = new TwoFactorPerson(jdbc);
        enrolledElsewhere(person, phone);
        assertThat(phone.mailSubjectsTo(person.email().value(), "A new way to confirm it is you")).isNotEmpty();

        var bodies = jdbc.sql("SELECT text_body, html_body FROM dev_outbox WHERE recipient = :to AND channel = 'email'")
                .param("to", person.email().value())
                .query((row, n) -> new String[] {row.getString(1), row.getString(2)}).list();
        assertThat(bodies).isNotEmpty().allSatisfy(body -> {
            assertThat(body[0]).contains("My account: " + issuer + "/account");
            assertThat(body[1]).contains("href=\"" + issuer + "/account\"");
        });
    }

    @Test
    void everyNoticeMailTemplateEndsWithALinkToMyAccountInBothLanguages() {
        Account person = TestPeople.account(accounts, "account.footer", null);
        Map<String, Map<String, Object>> notices = Map.of(
                "notice", Map.of("subjectKey", "mail.two-factor-off.subject", "textKey", "mail.two-factor-off.text"),
                "authenticator", Map.of("kind", "device-added", "device", "Pixel", "time", "2026-11-30 10:00 UTC",
                        "address", "192.0.2.1", "link", issuer + "/signin/forgot"),
                "password-changed", Map.of("link", issuer + "/signin"));
        notices.forEach((template, variables) -> {
            MailMessage english = mailTemplates.compose(template, "mail.two-factor-off.subject", person,
                    Locale.ENGLISH, variables);
            assertThat(english.text()).as(template).endsWith("My account: " + issuer + "/account\n");
            assertThat(english.html()).as(template).contains("href=\"" + issuer + "/account\"", ">My account</a>");
            MailMessage swedish = mailTemplates.compose(template, "mail.two-factor-off.subject", person,
                    Locale.forLanguageTag("sv"), variables);
            assertThat(swedish.text()).as(template).endsWith("Mitt konto: " + issuer + "/account\n");
        });
    }

    /** Opens My account unsigned, signs in with the password (a person without 2FA), returns the overview. */
    private String signInAtMyAccount(HttpAgent browser, Account person) {
        browser.get(HttpAgent.location(browser.get("/account")));
        browser.post("/signin", Map.of("email", person.email().value()));
        HttpResponse<String> page = browser.follow(browser.post("/signin/password", Map.of("password", PASSWORD)));
        assertThat(page.uri().getPath()).as(page.body()).isEqualTo("/account");
        assertThat(page.statusCode()).isEqualTo(200);
        return page.body();
    }

    private Enrolled enrolledElsewhere(Account person, TwoFactorPerson phone) {
        HttpAgent other = TestPeople.browser(issuer);
        // Asking for two factors, so that the set-up is offered also to a person who chose "Remind me later".
        other.get(HttpAgent.location(
                other.get(OidcClient.web().authorizationUrl() + "&acr_values=urn%3Aportvakt%3Aacr%3A2fa")));
        other.post("/signin", Map.of("email", person.email().value()));
        assertThat(HttpAgent.location(other.post("/signin/password", Map.of("password", PASSWORD))))
                .endsWith("/signin/two-factor");
        return phone.enrol(other, null);
    }
}
