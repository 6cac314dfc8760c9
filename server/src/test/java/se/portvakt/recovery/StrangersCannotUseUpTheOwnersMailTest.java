package se.portvakt.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.HttpCookie;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;

import se.portvakt.account.Account;
import se.portvakt.account.AccountStore;
import se.portvakt.factor.Sha256;
import se.portvakt.password.PasswordHasher;
import se.portvakt.testing.HttpAgent;
import se.portvakt.testing.OidcClient;
import se.portvakt.testing.OnH2;
import se.portvakt.testing.OnPostgres;
import se.portvakt.testing.TestPeople;

/**
 * Issue 10, "Lock-out by anyone who knows an email" (decision 0015): whoever asks for someone's recovery mail
 * uses up only their own allowance (3 an hour per email address and client address); all sources together get
 * 10 an hour, against a flood from many addresses; and the browser in which the owner last signed in is served
 * past that ceiling, within 3 an hour of its own. The page is the neutral one in every case.
 */
abstract class StrangersCannotUseUpTheOwnersMailTest {

    @OnH2
    static class OnEmbeddedDatabase extends StrangersCannotUseUpTheOwnersMailTest {}

    @OnPostgres
    static class OnPostgreSql extends StrangersCannotUseUpTheOwnersMailTest {}

    private static final String PASSWORD = "the owner's own passphrase";

    @Value("${portvakt.issuer}")
    String issuer;

    @Autowired
    AccountStore accounts;

    @Autowired
    PasswordHasher hasher;

    @Autowired
    JdbcClient jdbc;

    @Test
    void aStrangerAskingAgainAndAgainDoesNotStopTheOwnersMail() {
        Mailbox mailbox = new Mailbox(jdbc);
        String email = TestPeople.account(accounts, "owner", null).email().value();
        HttpAgent stranger = TestPeople.browser(issuer);
        HttpResponse<String> served = ask(mailbox, stranger, email, "reset", 1);
        ask(mailbox, stranger, email, "link", 2);
        ask(mailbox, stranger, email, "reset", 3);
        // Twelve more: past the stranger's own three, and more than all sources together may have.
        for (int i = 0; i < 12; i++) {
            assertThat(Mailbox.ask(stranger, email, i % 2 == 0 ? "reset" : "link").body()).isEqualTo(served.body());
        }
        awaitLimited(mailbox, email, 12);

        HttpResponse<String> owners = ask(mailbox, TestPeople.browser(issuer), email, "reset", 4);

        assertThat(owners.body()).isEqualTo(served.body());
        assertThat(mailbox.mails(email)).hasSize(4);
    }

    @Test
    void theCeilingStopsAFloodFromManyAddressesAtTenAnHour() {
        Mailbox mailbox = new Mailbox(jdbc);
        String email = TestPeople.account(accounts, "flooded", null).email().value();
        HttpResponse<String> served = ask(mailbox, TestPeople.browser(issuer), email, "reset", 1);
        for (int i = 2; i <= 10; i++) {
            ask(mailbox, TestPeople.browser(issuer), email, i % 2 == 0 ? "link" : "reset", i);
        }

        HttpResponse<String> eleventh = Mailbox.ask(TestPeople.browser(issuer), email, "reset");
        HttpResponse<String> twelfth = Mailbox.ask(TestPeople.browser(issuer), email, "link");

        assertThat(eleventh.statusCode()).isEqualTo(200);
        assertThat(List.of(eleventh.body(), twelfth.body())).containsOnly(served.body());
        awaitLimited(mailbox, email, 2);
        assertThat(mailbox.mails(email)).hasSize(10);
        // An address without an account gets the same page past the same ceiling.
        String nobody = TestPeople.uniqueEmail("nobody");
        for (int i = 0; i < 10; i++) {
            assertThat(Mailbox.ask(TestPeople.browser(issuer), nobody, "reset").body()).isEqualTo(served.body());
        }
        assertThat(Mailbox.ask(TestPeople.browser(issuer), nobody, "reset").body()).isEqualTo(served.body());
        awaitLimited(mailbox, nobody, 1);
    }

    @Test
    void theBrowserWhereTheOwnerLastSignedInIsServedPastTheCeiling() {
        Mailbox mailbox = new Mailbox(jdbc);
        Account owner = TestPeople.account(accounts, "owner", hasher.hash(PASSWORD));
        String email = owner.email().value();
        HttpAgent ownBrowser = TestPeople.browser(issuer);
        OidcClient.signIn(ownBrowser, OidcClient.web(), email, PASSWORD);
        // A stranger's browser, known too, but for the stranger's own account; and one with a made-up mark.
        Account stranger = TestPeople.account(accounts, "stranger", hasher.hash(PASSWORD));
        HttpAgent strangersBrowser = TestPeople.browser(issuer);
        OidcClient.signIn(strangersBrowser, OidcClient.web(), stranger.email().value(), PASSWORD);
        HttpResponse<String> served = null;
        for (int i = 1; i <= 10; i++) {
            served = ask(mailbox, TestPeople.browser(issuer), email, "reset", i);
        }
        assertThat(Mailbox.ask(TestPeople.browser(issuer), email, "reset").body()).isEqualTo(served.body());
        assertThat(Mailbox.ask(strangersBrowser, email, "reset").body()).isEqualTo(served.body());
        HttpAgent madeUpMark = TestPeople.browser(issuer);
        HttpCookie forged = new HttpCookie("PORTVAKT_BROWSER", "A".repeat(43));
        forged.setPath("/");
        forged.setVersion(0);
        madeUpMark.cookies().getCookieStore().add(URI.create(issuer), forged);
        assertThat(Mailbox.ask(madeUpMark, email, "reset").body()).isEqualTo(served.body());
        awaitLimited(mailbox, email, 3);

        assertThat(ask(mailbox, ownBrowser, email, "link", 11).body()).isEqualTo(served.body());
        ask(mailbox, ownBrowser, email, "reset", 12);
        ask(mailbox, ownBrowser, email, "reset", 13);
        // Its own cap: three an hour, like any source.
        assertThat(Mailbox.ask(ownBrowser, email, "reset").body()).isEqualTo(served.body());
        awaitLimited(mailbox, email, 4);
        assertThat(mailbox.mails(email)).hasSize(13);
    }

    @Test
    void theMarkOfAKnownBrowserIsARandomHttpOnlyCookieStoredOnlyAsItsHash() {
        Account owner = TestPeople.account(accounts, "marked", hasher.hash(PASSWORD));
        HttpAgent browser = TestPeople.browser(issuer);

        String header = setCookie(signInWithPassword(browser, owner), "PORTVAKT_BROWSER");

        HttpCookie mark = HttpCookie.parse(header).get(0);
        assertThat(mark.getValue()).matches("[A-Za-z0-9_-]{43}").doesNotContain(owner.id());
        assertThat(mark.getMaxAge()).isEqualTo(90L * 24 * 3600);
        assertThat(header).containsIgnoringCase("; HttpOnly").containsIgnoringCase("; SameSite=Lax");
        assertThat(header).as("http issuer: no Secure flag in dev").doesNotContainIgnoringCase("Secure");
        assertThat(jdbc.sql("SELECT account_id FROM known_browser WHERE mark_hash = :h")
                .param("h", Sha256.hex(mark.getValue())).query(String.class).list()).containsExactly(owner.id());

        // Signing in again in the same browser (a new session, the same mark) replaces the mark.
        browser.cookies().getCookieStore().getCookies().stream().filter(c -> !c.getName().equals("PORTVAKT_BROWSER"))
                .toList().forEach(c -> browser.cookies().getCookieStore().remove(null, c));
        String again = HttpCookie.parse(setCookie(signInWithPassword(browser, owner), "PORTVAKT_BROWSER")).get(0).getValue();
        assertThat(again).isNotEqualTo(mark.getValue());
        assertThat(jdbc.sql("SELECT account_id FROM known_browser WHERE mark_hash IN (:old, :new)")
                .param("old", Sha256.hex(mark.getValue())).param("new", Sha256.hex(again))
                .query(String.class).list()).containsExactly(owner.id());
    }

    /** Signs in with the password, step by step, and returns the answer that completes the sign-in. */
    private HttpResponse<String> signInWithPassword(HttpAgent browser, Account account) {
        browser.get(HttpAgent.location(browser.get(OidcClient.web().authorizationUrl())));
        browser.post("/signin", Map.of("email", account.email().value()));
        browser.get("/signin/password");
        HttpResponse<String> done = browser.post("/signin/password", Map.of("password", PASSWORD));
        assertThat(HttpAgent.location(done)).contains("/oauth2/authorize");
        return done;
    }

    private static String setCookie(HttpResponse<?> response, String name) {
        List<String> headers = response.headers().allValues("Set-Cookie");
        return headers.stream().filter(h -> h.startsWith(name + "=")).findFirst()
                .orElseThrow(() -> new AssertionError("no Set-Cookie for " + name + " in " + headers));
    }

    /** Asks for a link and waits until the address has received its {@code nth} mail. */
    private static HttpResponse<String> ask(Mailbox mailbox, HttpAgent browser, String email, String kind, int nth) {
        HttpResponse<String> page = Mailbox.ask(browser, email, kind);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("Please check your email to set your new password.");
        mailbox.awaitMails(email, nth);
        return page;
    }

    /** Waits until {@code count} requests for the address were refused by a limit (audited off the request path). */
    private static void awaitLimited(Mailbox mailbox, String email, int count) {
        Instant until = Instant.now().plus(Duration.ofSeconds(15));
        while (limited(mailbox, email) < count && Instant.now().isBefore(until)) {
            Mailbox.pause(50);
        }
        assertThat(limited(mailbox, email)).as("limited requests for %s", email).isEqualTo(count);
    }

    private static long limited(Mailbox mailbox, String email) {
        return mailbox.audit(email).stream().filter(row -> row.endsWith("requested limited")).count();
    }
}
