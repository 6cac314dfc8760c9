package se.portvakt.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;

import se.portvakt.account.Account;
import se.portvakt.account.AccountStore;
import se.portvakt.testing.HttpAgent;
import se.portvakt.testing.OnH2;
import se.portvakt.testing.OnPostgres;
import se.portvakt.testing.TestPeople;

/**
 * "An expired, used or unknown link gets a friendly page with a way to ask for a new one" (issue 4): expired,
 * superseded, used, unknown and malformed links, and a link of the other kind, all end at "This link no longer
 * works" with "Send me a new link", never at an error page.
 */
abstract class LinkThatNoLongerWorksTest {

    @OnH2
    static class OnEmbeddedDatabase extends LinkThatNoLongerWorksTest {}

    @OnPostgres
    static class OnPostgreSql extends LinkThatNoLongerWorksTest {}

    private static final String NEW = "a brand new passphrase";

    @Value("${portvakt.issuer}")
    String issuer;

    @Autowired
    AccountStore accounts;

    @Autowired
    JdbcClient jdbc;

    @Test
    void anExpiredLinkOfEitherKindIsRefused() {
        Account person = TestPeople.account(accounts, "expired", null);
        Mailbox mailbox = new Mailbox(jdbc);
        HttpAgent browser = TestPeople.browser(issuer);
        String reset = mailbox.askAndAwait(browser, person.email().value(), "reset");
        String signIn = mailbox.askAndAwait(browser, person.email().value(), "link");
        assertThat(browser.get(reset).body()).contains("Change password");

        jdbc.sql("UPDATE recovery_token SET expires_at = :past WHERE account_id = :account")
                .param("past", OffsetDateTime.now(ZoneOffset.UTC).minusSeconds(1))
                .param("account", person.id())
                .update();

        assertNoLongerWorks(browser.get(reset));
        assertNoLongerWorks(change(browser, reset));
        assertNoLongerWorks(browser.get(signIn));
        assertNoLongerWorks(browser.post("/recovery/link", Map.of("token", Mailbox.token(signIn))));
    }

    @Test
    void aNewerLinkReplacesAnOlderOneOfTheSameKindOnly() {
        Account person = TestPeople.account(accounts, "superseded", null);
        Mailbox mailbox = new Mailbox(jdbc);
        HttpAgent browser = TestPeople.browser(issuer);
        String older = mailbox.askAndAwait(browser, person.email().value(), "reset");
        String signIn = mailbox.askAndAwait(browser, person.email().value(), "link");
        String newer = mailbox.askAndAwait(browser, person.email().value(), "reset");

        assertNoLongerWorks(browser.get(older));
        assertNoLongerWorks(change(browser, older));
        assertThat(browser.get(newer).body()).contains("Change password");
        assertThat(browser.get(signIn).body()).contains("Sign in with your link");
        assertThat(change(browserWithAForm(), newer).body()).contains("Your password was changed");
    }

    @Test
    void aUsedResetLinkIsRefused() {
        Account person = TestPeople.account(accounts, "used", null);
        String link = new Mailbox(jdbc).askAndAwait(TestPeople.browser(issuer), person.email().value(), "reset");
        HttpAgent browser = TestPeople.browser(issuer);
        browser.get(link);
        assertThat(change(browser, link).body()).contains("Your password was changed");

        assertNoLongerWorks(browser.get(link));
        assertNoLongerWorks(change(browser, link));
    }

    @Test
    void aLinkOfTheOtherKindIsRefusedAndStaysUsable() {
        Account person = TestPeople.account(accounts, "otherkind", null);
        Mailbox mailbox = new Mailbox(jdbc);
        HttpAgent browser = TestPeople.browser(issuer);
        String reset = mailbox.askAndAwait(browser, person.email().value(), "reset");
        String signIn = mailbox.askAndAwait(browser, person.email().value(), "link");
        String resetToken = Mailbox.token(reset);
        String signInToken = Mailbox.token(signIn);

        assertNoLongerWorks(browser.get("/recovery/link?token=" + resetToken));
        assertNoLongerWorks(browser.post("/recovery/link", Map.of("token", resetToken)));
        assertNoLongerWorks(browser.get("/recovery/reset?token=" + signInToken));
        assertNoLongerWorks(browser.post("/recovery/reset", Map.of("token", signInToken, "password", NEW, "confirm", NEW)));

        // The sign-in link first: a password change voids every unused link of the account (ResetPasswordTest).
        HttpAgent phone = TestPeople.browser(issuer);
        phone.get(signIn);
        assertThat(HttpAgent.isRedirect(phone.post("/recovery/link", Map.of("token", signInToken)))).isTrue();
        assertThat(change(browserWithAForm(), reset).body()).contains("Your password was changed");
    }

    @Test
    void unknownAndMalformedLinksGetTheFriendlyPage() {
        String unknown = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
        List<String> tokens = List.of(unknown, "", "abc", "../../etc/passwd", "x".repeat(5000), "åäö-ÅÄÖ",
                unknown.substring(1) + "=", "' OR 1=1 --");
        HttpAgent browser = TestPeople.browser(issuer);
        browser.get("/signin/forgot");
        for (String path : List.of("/recovery/reset", "/recovery/link")) {
            assertNoLongerWorks(browser.get(path));
            assertNoLongerWorks(browser.post(path, Map.of()));
            for (String token : tokens) {
                assertNoLongerWorks(browser.get(path + "?token=" + URLEncoder.encode(token, StandardCharsets.UTF_8)));
                Map<String, String> form = new HashMap<>(Map.of("token", token));
                if (path.endsWith("reset")) {
                    form.putAll(Map.of("password", NEW, "confirm", NEW));
                }
                assertNoLongerWorks(browser.post(path, form));
            }
        }
    }

    /** Another device, with a page that gave it a CSRF token. */
    private HttpAgent browserWithAForm() {
        HttpAgent browser = TestPeople.browser(issuer);
        browser.get("/signin/forgot");
        return browser;
    }

    private HttpResponse<String> change(HttpAgent browser, String link) {
        return browser.post("/recovery/reset", Map.of("token", Mailbox.token(link), "password", NEW, "confirm", NEW));
    }

    private static void assertNoLongerWorks(HttpResponse<String> page) {
        assertThat(page.statusCode()).as(page.uri() + "\n" + page.body()).isEqualTo(200);
        assertThat(page.body()).contains("This link no longer works", "Send me a new link", "href=\"/signin/forgot\"")
                .doesNotContain("Change password", "Your password was changed");
    }
}
