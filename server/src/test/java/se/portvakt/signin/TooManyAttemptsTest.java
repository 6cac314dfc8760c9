package se.portvakt.signin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;

import se.portvakt.account.Account;
import se.portvakt.account.AccountStore;
import se.portvakt.password.PasswordHasher;
import se.portvakt.testing.CaptchaSolver;
import se.portvakt.testing.HttpAgent;
import se.portvakt.testing.LimitWindows;
import se.portvakt.testing.OidcClient;
import se.portvakt.testing.OnH2;
import se.portvakt.testing.OnPostgres;
import se.portvakt.testing.Race;
import se.portvakt.testing.TestPeople;

/**
 * Someone guessing passwords is stopped (docs/decisions/0013-lock-out-rule.md): per email address from one client
 * address, locked; per email address from everywhere, asked for the proof of work before each check; per client
 * address, locked; also when the guesses arrive all at once. The owner, elsewhere, and everyone else sign in.
 */
abstract class TooManyAttemptsTest {

    @OnH2
    static class OnEmbeddedDatabase extends TooManyAttemptsTest {}

    @OnPostgres
    static class OnPostgreSql extends TooManyAttemptsTest {}

    static final String TOO_MANY = "Too many attempts. Try again in ";
    static final String BUSY = "Many people are signing in right now. Please try again in a moment.";
    static final String PROOF_OF_WORK_NEEDED = "many wrong passwords were entered for this email address";
    static final String CAPTCHA_FIELD = "name=\"captcha\"";
    private static final int BURST = 200;

    @Value("${portvakt.issuer}")
    String issuer;

    @Value("${portvakt.limits.failed-sign-ins-per-account}")
    int perAccount;

    @Value("${portvakt.limits.failed-sign-ins-per-account-and-address}")
    int perAccountAndAddress;

    @Value("${portvakt.limits.failed-sign-ins-per-address}")
    int perAddress;

    @Value("${portvakt.limits.window}")
    java.time.Duration window;

    @Value("${portvakt.limits.in-flight-wait}")
    java.time.Duration inFlightWait;

    @Autowired
    AccountStore accounts;

    @Autowired
    PasswordHasher hasher;

    @Autowired
    JdbcClient jdbc;

    @Test
    void afterTheLimitForOneEmailFromOneAddressEvenTheRightPasswordIsRefusedThereWithoutChecking() {
        awayFromTheEndOfAWindow(20);
        Account person = TestPeople.account(accounts, "guessed", hasher.hash("the real password"));
        String email = person.email().value();
        HttpAgent attacker = TestPeople.browser(issuer);
        atPasswordPage(attacker, email);
        for (int i = 0; i < perAccountAndAddress; i++) {
            assertThat(attacker.post("/signin/password", Map.of("password", "guess " + i)).body())
                    .contains(PasswordStepTest.GENERIC_FAILURE);
        }

        HttpResponse<String> refused = attacker.post("/signin/password", Map.of("password", "the real password"));

        assertThat(refused.statusCode()).isEqualTo(200);
        assertThat(refused.body()).contains(TOO_MANY).containsPattern("Try again in \\d+ minutes?, or reset your password.")
                .doesNotContain(PasswordStepTest.GENERIC_FAILURE);
        assertThat(outcomes(email)).containsOnly("failure", "locked").filteredOn("locked"::equals).hasSize(1);
        assertThat(outcomes(email)).filteredOn("failure"::equals).hasSize(perAccountAndAddress);
        assertThat(jdbc.sql("""
                SELECT account_id FROM audit_event WHERE email = :email AND outcome = 'locked'
                """).param("email", email).query(String.class).single()).as("the locked row names the account").isEqualTo(person.id());
    }

    @Test
    void pastTheEmailLimitEveryAddressIsAskedForTheProofOfWorkAndUnknownEmailsCountToo() {
        awayFromTheEndOfAWindow(30);
        String unknown = TestPeople.uniqueEmail("unknown.guessed");
        wrongPasswordsFromManyAddresses(unknown, perAccount);

        HttpAgent elsewhere = TestPeople.browser(issuer);
        atPasswordPage(elsewhere, unknown);
        HttpResponse<String> refused = elsewhere.post("/signin/password", Map.of("password", "guess"));

        assertThat(refused.body()).contains(PROOF_OF_WORK_NEEDED).doesNotContain(TOO_MANY);
        assertThat(outcomes(unknown)).containsOnly("failure").hasSize(perAccount);
    }

    @Test
    void anAttackerFromOneAddressDoesNotKeepTheOwnerOutFromAnother() {
        awayFromTheEndOfAWindow(30);
        Account owner = TestPeople.account(accounts, "targeted", hasher.hash("the real password"));
        String email = owner.email().value();
        HttpAgent attacker = TestPeople.browser(issuer);
        atPasswordPage(attacker, email);
        wrongPasswords(attacker, perAccountAndAddress + 1);
        assertThat(outcomes(email)).contains("locked");

        HttpAgent ownBrowser = TestPeople.browser(issuer);
        atPasswordPage(ownBrowser, email);
        HttpResponse<String> signedIn = ownBrowser.post("/signin/password",
                Map.of("password", "the real password", "captcha", CaptchaSolver.solve(ownBrowser)));

        assertThat(HttpAgent.isRedirect(signedIn)).as(signedIn.body()).isTrue();
        assertThat(outcomes(email)).endsWith("success");
    }

    @Test
    void pastTheEmailLimitAPasswordIsCheckedOnlyWithASolvedProofOfWork() {
        awayFromTheEndOfAWindow(40);
        Account owner = TestPeople.account(accounts, "sprayed.from.many", hasher.hash("the real password"));
        String email = owner.email().value();
        HttpAgent before = TestPeople.browser(issuer);
        atPasswordPage(before, email);
        assertThat(before.get("/signin/password").body()).as("no CAPTCHA before the limit").doesNotContain(CAPTCHA_FIELD);
        wrongPasswordsFromManyAddresses(email, perAccount);
        HttpAgent ownBrowser = TestPeople.browser(issuer);
        atPasswordPage(ownBrowser, email);
        assertThat(ownBrowser.get("/signin/password").body()).as("the page shows the CAPTCHA").contains(CAPTCHA_FIELD);

        HttpResponse<String> without = ownBrowser.post("/signin/password", Map.of("password", "the real password"));
        HttpResponse<String> wrongSolution = ownBrowser.post("/signin/password",
                Map.of("password", "the real password", "captcha", "bm90IGEgc29sdXRpb24="));

        assertThat(List.of(without, wrongSolution)).allSatisfy(refused -> {
            assertThat(refused.statusCode()).isEqualTo(200);
            assertThat(refused.body()).contains(PROOF_OF_WORK_NEEDED).contains(CAPTCHA_FIELD)
                    .doesNotContain(PasswordStepTest.GENERIC_FAILURE).doesNotContain(TOO_MANY);
        });
        assertThat(outcomes(email)).as("no password checked, nothing more counted").containsOnly("failure")
                .hasSize(perAccount);

        HttpResponse<String> checked = ownBrowser.post("/signin/password",
                Map.of("password", "a wrong password", "captcha", CaptchaSolver.solve(ownBrowser)));
        assertThat(checked.body()).contains(PasswordStepTest.GENERIC_FAILURE);
        HttpResponse<String> signedIn = ownBrowser.post("/signin/password",
                Map.of("password", "the real password", "captcha", CaptchaSolver.solve(ownBrowser)));
        assertThat(HttpAgent.isRedirect(signedIn)).as(signedIn.body()).isTrue();
        assertThat(outcomes(email)).endsWith("failure", "success");
    }

    @Test
    void theLockFromOneAddressHoldsForTheAttackerAlsoWithASolvedProofOfWork() {
        awayFromTheEndOfAWindow(30);
        Account owner = TestPeople.account(accounts, "attacked", hasher.hash("the real password"));
        String email = owner.email().value();
        HttpAgent attacker = TestPeople.browser(issuer);
        atPasswordPage(attacker, email);
        for (int i = 0; i < perAccountAndAddress; i++) {
            attacker.post("/signin/password", Map.of("password", "guess " + i, "captcha", CaptchaSolver.solve(attacker)));
        }

        HttpResponse<String> refused = attacker.post("/signin/password",
                Map.of("password", "the real password", "captcha", CaptchaSolver.solve(attacker)));

        assertThat(refused.body()).contains(TOO_MANY);
        assertThat(outcomes(email)).doesNotContain("success").endsWith("locked");
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
        wrongPasswords(attacker, perAccountAndAddress + 1);
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
    void wrongPasswordsPostedAtOnceFromManySignInsAtOneAddressForOneEmailAreCheckedOnlyUpToTheLimit() throws Exception {
        awayFromTheEndOfAWindow(90);
        Account person = TestPeople.account(accounts, "burst.flows", hasher.hash("the real password"));
        String address = TestPeople.uniqueAddress();
        List<HttpAgent> browsers = atPasswordPage(person.email().value(),
                () -> new HttpAgent(issuer).header("X-Forwarded-For", address));

        List<HttpResponse<String>> answers = Race.post(browsers, "/signin/password", Map.of("password", "a wrong guess"));

        assertThat(outcomes(person.email().value())).filteredOn("failure"::equals).hasSizeBetween(1, perAccountAndAddress);
        assertThat(answers).filteredOn(a -> a.body().contains(TOO_MANY)).hasSizeGreaterThanOrEqualTo(BURST - perAccountAndAddress);
    }

    @Test
    void wrongPasswordsPostedAtOnceFromManyAddressesForOneEmailAreCheckedOnlyUpToTheEmailLimit() throws Exception {
        awayFromTheEndOfAWindow(90);
        Account person = TestPeople.account(accounts, "burst.addresses", hasher.hash("the real password"));
        List<HttpAgent> browsers = atPasswordPage(person.email().value(), () -> TestPeople.browser(issuer));

        List<HttpResponse<String>> answers = Race.post(browsers, "/signin/password", Map.of("password", "a wrong guess"));

        assertThat(outcomes(person.email().value())).filteredOn("failure"::equals).hasSizeBetween(1, perAccount);
        assertThat(answers).filteredOn(a -> a.body().contains(PROOF_OF_WORK_NEEDED))
                .as("the answers without the proof-of-work message: %s", otherThan(answers, a -> a.body().contains(PROOF_OF_WORK_NEEDED)))
                .hasSizeGreaterThanOrEqualTo(BURST - perAccount);
    }

    /** What the answers other than the {@code expected} were, for a failure's message: each one's status and alert. */
    private static List<String> otherThan(List<HttpResponse<String>> answers, Predicate<HttpResponse<String>> expected) {
        return answers.stream().filter(expected.negate())
                .map(a -> a.statusCode() + " " + a.headers().firstValue("Location")
                        .orElseGet(() -> alertOf(a.body())))
                .toList();
    }

    private static String alertOf(String page) {
        int at = page.indexOf("id=\"form-error\"");
        if (at < 0) {
            return "(no alert)";
        }
        int end = page.indexOf("</div>", at);
        return page.substring(page.indexOf('>', at) + 1, end < 0 ? page.length() : end).replaceAll("<[^>]*>", "")
                .replaceAll("\\s+", " ").strip();
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

    /**
     * An office behind one address at nine: more right passwords at once than the address's limit of failures. A
     * check counts against the limits while it runs (decision 0013), so the last ones found the address full of checks
     * in flight, and were refused as after too many wrong passwords, with "locked" in each person's activity. They
     * now wait for those checks to end (decision 0068), and everyone signs in.
     */
    @Test
    void moreRightPasswordsAtOnceFromOneAddressThanItsLimitAllSignIn() throws Exception {
        awayFromTheEndOfAWindow(90);
        String office = TestPeople.uniqueAddress();
        String hash = hasher.hash("the real password");
        List<String> emails = new ArrayList<>();
        List<HttpAgent> browsers = new ArrayList<>();
        for (int i = 0; i < perAddress + 10; i++) {
            String email = TestPeople.account(accounts, "office.worker", hash).email().value();
            HttpAgent browser = new HttpAgent(issuer).header("X-Forwarded-For", office);
            atPasswordPage(browser, email);
            emails.add(email);
            browsers.add(browser);
        }

        List<HttpResponse<String>> answers = Race.post(browsers, "/signin/password",
                Map.of("password", "the real password"));

        assertThat(answers).as("answers other than a redirect: %s", otherThan(answers, a -> a.statusCode() == 302))
                .allSatisfy(a -> assertThat(a.statusCode()).isEqualTo(302));
        assertThat(jdbc.sql("SELECT outcome FROM audit_event WHERE email IN (:emails) AND event_type = 'signin.password'")
                .param("emails", emails).query(String.class).list())
                .hasSize(emails.size()).containsOnly("success");
    }

    /**
     * The address's limit full of checks in flight that do not end (they stalled on another node): a right password
     * from there waits for them, then is answered busy, not locked, and counts nothing; once they end it signs in.
     */
    @Test
    void aRightPasswordFromAnAddressFullOfChecksInFlightThatDoNotEndIsAnsweredBusyNotLocked() {
        awayFromTheEndOfAWindow(60);
        Account person = TestPeople.account(accounts, "stalled.office", hasher.hash("the real password"));
        String email = person.email().value();
        String office = TestPeople.uniqueAddress();
        LimitWindows.checksInFlightFrom(jdbc, office, perAddress, window);
        HttpAgent browser = new HttpAgent(issuer).header("X-Forwarded-For", office);
        atPasswordPage(browser, email);

        long began = System.nanoTime();
        HttpResponse<String> busy = browser.post("/signin/password", Map.of("password", "the real password"));

        assertThat(busy.statusCode()).isEqualTo(200);
        assertThat(busy.body()).contains(BUSY)
                .doesNotContain(TOO_MANY).doesNotContain(PasswordStepTest.GENERIC_FAILURE);
        assertThat(java.time.Duration.ofNanos(System.nanoTime() - began)).as("it waited for the checks first")
                .isGreaterThanOrEqualTo(inFlightWait);
        assertThat(outcomes(email)).as("no failure and no lock in the person's activity").isEmpty();
        assertThat(jdbc.sql("SELECT hits + inflight FROM attempt_counter WHERE counter_key = :key")
                .param("key", LimitWindows.ADDRESS_COUNTER + office).query(Integer.class).single())
                .as("nothing of its own left counted").isEqualTo(perAddress);

        LimitWindows.checksInFlightEnd(jdbc, office);
        HttpResponse<String> signedIn = browser.post("/signin/password", Map.of("password", "the real password"));

        assertThat(signedIn.statusCode()).isEqualTo(302);
        assertThat(outcomes(email)).containsExactly("success");
    }

    /** All of a test's attempts in one window (see {@link LimitWindows}). */
    private void awayFromTheEndOfAWindow(int seconds) {
        LimitWindows.awayFromTheEnd(window, java.time.Duration.ofSeconds(seconds));
    }

    /** One wrong password for this email from each of {@code count} browsers, each at an address of its own. */
    private void wrongPasswordsFromManyAddresses(String email, int count) {
        for (int i = 0; i < count; i++) {
            HttpAgent fromSomewhere = TestPeople.browser(issuer);
            atPasswordPage(fromSomewhere, email);
            fromSomewhere.post("/signin/password", Map.of("password", "guess " + i));
        }
    }

    /** {@code count} wrong passwords from this browser, at its password page. */
    private static void wrongPasswords(HttpAgent browser, int count) {
        for (int i = 0; i < count; i++) {
            browser.post("/signin/password", Map.of("password", "guess " + i));
        }
    }

    /** {@value #BURST} new browsers, each at the password page of its own sign-in with this email. */
    private static List<HttpAgent> atPasswordPage(String email, Supplier<HttpAgent> newBrowser) {
        List<HttpAgent> browsers = new ArrayList<>();
        for (int i = 0; i < BURST; i++) {
            HttpAgent browser = newBrowser.get();
            atPasswordPage(browser, email);
            browsers.add(browser);
        }
        return browsers;
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
