package se.portvakt.signin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;

import se.portvakt.account.Account;
import se.portvakt.account.AccountStore;
import se.portvakt.password.PasswordHasher;
import se.portvakt.testing.HttpAgent;
import se.portvakt.testing.LimitWindows;
import se.portvakt.testing.OidcClient;
import se.portvakt.testing.OnH2;
import se.portvakt.testing.OnPostgres;
import se.portvakt.testing.Race;
import se.portvakt.testing.TestPeople;

/**
 * Someone guessing passwords is stopped, per email address and per client address, also when the guesses arrive
 * all at once; everyone else signs in.
 */
abstract class TooManyAttemptsTest {

    @OnH2
    static class OnEmbeddedDatabase extends TooManyAttemptsTest {}

    @OnPostgres
    static class OnPostgreSql extends TooManyAttemptsTest {}

    static final String TOO_MANY = "Too many attempts. Try again in ";
    private static final int BURST = 200;

    @Value("${portvakt.issuer}")
    String issuer;

    @Value("${portvakt.limits.failed-sign-ins-per-account}")
    int perAccount;

    @Value("${portvakt.limits.failed-sign-ins-per-address}")
    int perAddress;

    @Value("${portvakt.limits.window}")
    java.time.Duration window;

    @Autowired
    AccountStore accounts;

    @Autowired
    PasswordHasher hasher;

    @Autowired
    JdbcClient jdbc;

    @Test
    void afterTheLimitForOneEmailEvenTheRightPasswordIsRefusedWithoutChecking() {
        awayFromTheEndOfAWindow(20);
        Account person = TestPeople.account(accounts, "guessed", hasher.hash("the real password"));
        String email = person.email().value();
        HttpAgent attacker = TestPeople.browser(issuer);
        atPasswordPage(attacker, email);
        for (int i = 0; i < perAccount; i++) {
            assertThat(attacker.post("/signin/password", Map.of("password", "guess " + i)).body())
                    .contains(PasswordStepTest.GENERIC_FAILURE);
        }

        HttpResponse<String> refused = attacker.post("/signin/password", Map.of("password", "the real password"));

        assertThat(refused.statusCode()).isEqualTo(200);
        assertThat(refused.body()).contains(TOO_MANY).containsPattern("Try again in \\d+ minutes?, or reset your password.")
                .doesNotContain(PasswordStepTest.GENERIC_FAILURE);
        assertThat(outcomes(email)).containsOnly("failure", "locked").filteredOn("locked"::equals).hasSize(1);
        assertThat(outcomes(email)).filteredOn("failure"::equals).hasSize(perAccount);
        assertThat(jdbc.sql("""
                SELECT account_id FROM audit_event WHERE email = :email AND outcome = 'locked'
                """).param("email", email).query(String.class).single()).as("the locked row names the account").isEqualTo(person.id());
    }

    @Test
    void theEmailLimitHoldsFromAnyAddressAndCountsUnknownEmailsToo() {
        awayFromTheEndOfAWindow(30);
        String unknown = TestPeople.uniqueEmail("unknown.guessed");
        for (int i = 0; i < perAccount; i++) {
            HttpAgent fromSomewhere = TestPeople.browser(issuer);
            atPasswordPage(fromSomewhere, unknown);
            fromSomewhere.post("/signin/password", Map.of("password", "guess " + i));
        }

        HttpAgent elsewhere = TestPeople.browser(issuer);
        atPasswordPage(elsewhere, unknown);
        HttpResponse<String> refused = elsewhere.post("/signin/password", Map.of("password", "guess"));

        assertThat(refused.body()).contains(TOO_MANY);
    }

    @Test
    void afterTheLimitForOneAddressThatAddressIsRefusedAndOthersSignIn() {
        awayFromTheEndOfAWindow(90);
        String address = TestPeople.uniqueAddress();
        for (int i = 0; i < perAddress; i++) {
            HttpAgent attacker = new HttpAgent(issuer).header("X-Forwarded-For", address);
            atPasswordPage(attacker, TestPeople.uniqueEmail("sprayed"));
            attacker.post("/signin/password", Map.of("password", "Summer2024"));
        }
        Account victim = TestPeople.account(accounts, "victim", hasher.hash("the real password"));

        HttpAgent attacker = new HttpAgent(issuer).header("X-Forwarded-For", address);
        atPasswordPage(attacker, victim.email().value());
        HttpResponse<String> refused = attacker.post("/signin/password", Map.of("password", "the real password"));
        assertThat(refused.body()).contains(TOO_MANY);

        OidcClient.signIn(TestPeople.browser(issuer), OidcClient.web(), victim.email().value(), "the real password");
    }

    @Test
    void aLockedEmailDoesNotStopAnotherPersonFromAnotherAddress() {
        awayFromTheEndOfAWindow(20);
        Account locked = TestPeople.account(accounts, "locked", hasher.hash("the real password"));
        HttpAgent attacker = TestPeople.browser(issuer);
        atPasswordPage(attacker, locked.email().value());
        for (int i = 0; i <= perAccount; i++) {
            attacker.post("/signin/password", Map.of("password", "guess " + i));
        }
        Account colleague = TestPeople.account(accounts, "colleague", hasher.hash("another password"));

        OidcClient.signIn(TestPeople.browser(issuer), OidcClient.web(), colleague.email().value(), "another password");
    }

    @Test
    void wrongPasswordsPostedAtOnceInOneSignInAreCheckedOnlyUpToTheLimit() throws Exception {
        awayFromTheEndOfAWindow(60);
        Account person = TestPeople.account(accounts, "burst", hasher.hash("the real password"));
        HttpAgent attacker = TestPeople.browser(issuer);
        atPasswordPage(attacker, person.email().value());

        List<HttpResponse<String>> answers = Race.post(Collections.nCopies(BURST, attacker), "/signin/password",
                Map.of("password", "a wrong guess"));

        assertThat(outcomes(person.email().value())).filteredOn("failure"::equals).hasSizeBetween(1, perAccount);
        assertThat(answers).filteredOn(a -> a.body().contains(TOO_MANY)).hasSizeGreaterThanOrEqualTo(BURST - perAccount);
    }

    @Test
    void wrongPasswordsPostedAtOnceFromManySignInsForOneEmailAreCheckedOnlyUpToTheLimit() throws Exception {
        awayFromTheEndOfAWindow(90);
        Account person = TestPeople.account(accounts, "burst.flows", hasher.hash("the real password"));
        String address = TestPeople.uniqueAddress();
        List<HttpAgent> browsers = new ArrayList<>();
        for (int i = 0; i < BURST; i++) {
            HttpAgent browser = new HttpAgent(issuer).header("X-Forwarded-For", address);
            atPasswordPage(browser, person.email().value());
            browsers.add(browser);
        }

        List<HttpResponse<String>> answers = Race.post(browsers, "/signin/password", Map.of("password", "a wrong guess"));

        assertThat(outcomes(person.email().value())).filteredOn("failure"::equals).hasSizeBetween(1, perAccount);
        assertThat(answers).filteredOn(a -> a.body().contains(TOO_MANY)).hasSizeGreaterThanOrEqualTo(BURST - perAccount);
    }

    @Test
    void successfulSignInsFromOneAddressAreNotLimited() {
        Account person = TestPeople.account(accounts, "busy.office", hasher.hash("the real password"));
        String office = TestPeople.uniqueAddress();
        for (int i = 0; i < 3; i++) {
            OidcClient.signIn(new HttpAgent(issuer).header("X-Forwarded-For", office), OidcClient.web(),
                    person.email().value(), "the real password");
        }
        assertThat(outcomes(person.email().value())).containsOnly("success");
    }

    /** All of a test's attempts in one window (see {@link LimitWindows}). */
    private void awayFromTheEndOfAWindow(int seconds) {
        LimitWindows.awayFromTheEnd(window, java.time.Duration.ofSeconds(seconds));
    }

    private static void atPasswordPage(HttpAgent browser, String email) {
        browser.get("/signin");
        assertThat(HttpAgent.location(browser.post("/signin", Map.of("email", email)))).endsWith("/signin/password");
        browser.get("/signin/password");
    }

    private List<String> outcomes(String email) {
        return jdbc.sql("SELECT outcome FROM audit_event WHERE email = :email AND event_type = 'signin.password' ORDER BY id")
                .param("email", email).query(String.class).list();
    }
}
