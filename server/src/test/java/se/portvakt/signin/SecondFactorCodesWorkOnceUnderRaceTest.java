package se.portvakt.signin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import se.portvakt.account.Account;
import se.portvakt.account.AccountStore;
import se.portvakt.config.PortvaktProperties;
import se.portvakt.factor.FactorKind;
import se.portvakt.factor.totp.TotpSecret;
import se.portvakt.password.PasswordHasher;
import se.portvakt.signin.flow.SignInFlow;
import se.portvakt.signin.flow.Step;
import se.portvakt.signin.flow.StepContext;
import se.portvakt.signin.flow.StepResult;
import se.portvakt.signin.twofactor.SecondFactorAttempts;
import se.portvakt.testing.HttpAgent;
import se.portvakt.testing.LimitWindows;
import se.portvakt.testing.OidcClient;
import se.portvakt.testing.OnH2;
import se.portvakt.testing.OnPostgres;
import se.portvakt.testing.Race;
import se.portvakt.testing.TestPeople;
import se.portvakt.testing.TwoFactorPerson;
import se.portvakt.testing.TwoFactorPerson.Enrolled;

/**
 * The emergency code and an SMS code each sign in exactly once, also when twenty browsers (each at the code
 * page of its own sign-in) submit the same right code at the same moment; and two hundred wrong codes posted at
 * once are checked no more often than the limits allow, the rest told to wait unchecked (or sent back to the page).
 * Copies of one right code in one sign-in count no wrong code (decision 0052). The database decides,
 * in one conditional statement, not a read followed by a write.
 */
abstract class SecondFactorCodesWorkOnceUnderRaceTest {

    @OnH2
    static class OnEmbeddedDatabase extends SecondFactorCodesWorkOnceUnderRaceTest {}

    @OnPostgres
    static class OnPostgreSql extends SecondFactorCodesWorkOnceUnderRaceTest {}

    private static final int BROWSERS = 20;
    private static final int BURST = 200;
    private static final String TOO_MANY = "Too many wrong codes.";
    private static final String PASSWORD = "a long enough password";

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

    @Autowired
    SecondFactorAttempts attempts;

    @BeforeEach
    void awayFromTheEndOfAWindow() {
        LimitWindows.awayFromTheEnd(properties.twoFactor().window(), Duration.ofMinutes(1));
    }

    @Test
    void twentyBrowsersSubmitTheEmergencyCodeAtOnceAndOneIsSignedIn() throws Exception {
        Account person = TestPeople.newcomer(accounts, "race.emergency", hasher.hash(PASSWORD));
        Enrolled enrolled = enrol(person, null);
        List<HttpAgent> browsers = atMethod(person, "EMERGENCY_CODE", "/signin/emergency-code", BROWSERS);

        List<HttpResponse<String>> answers = Race.post(browsers, "/signin/emergency-code",
                Map.of("code", enrolled.emergencyCode()));

        assertThat(answers).filteredOn(a -> HttpAgent.isRedirect(a)
                && HttpAgent.location(a).endsWith("/signin/emergency-code-used")).hasSize(1);
        assertRefused(answers, "That emergency code is not right, or it was already used.");
        assertThat(outcomes(person, "signin.emergency-code")).filteredOn("success"::equals).hasSize(1);
    }

    @Test
    void twentyBrowsersSubmitTheSameSmsCodeAtOnceAndOneIsSignedIn() throws Exception {
        Account person = TestPeople.newcomer(accounts, "race.sms", hasher.hash(PASSWORD));
        String mobile = TwoFactorPerson.uniqueMobile();
        enrol(person, mobile);
        // The first browser's switch sends the code; the others find it already sent (too soon to send again).
        List<HttpAgent> browsers = atMethod(person, "SMS", "/signin/sms-code", BROWSERS);
        String code = new TwoFactorPerson(jdbc).smsCodeTo(TwoFactorPerson.e164(mobile));

        List<HttpResponse<String>> answers = Race.post(browsers, "/signin/sms-code", Map.of("code", code));

        assertThat(answers).filteredOn(a -> HttpAgent.isRedirect(a) && HttpAgent.location(a).contains("/oauth2/authorize"))
                .hasSize(1);
        assertRefused(answers, "That code has expired or was used.");
        assertThat(outcomes(person, "signin.sms")).filteredOn("success"::equals).hasSize(1);
    }

    @Test
    void wrongAuthenticatorCodesPostedAtOnceAreCheckedOnlyUpToTheLimit() throws Exception {
        Account person = TestPeople.newcomer(accounts, "race.totp", hasher.hash(PASSWORD));
        TotpSecret key = enrol(person, null).key();
        HttpAgent attacker = TestPeople.browser(issuer);
        toSecondFactor(attacker, person);
        assertThat(attacker.get("/signin/authenticator-code").statusCode()).isEqualTo(200);

        List<HttpResponse<String>> answers = Race.post(Collections.nCopies(BURST, attacker), "/signin/authenticator-code",
                Map.of("code", wrongCode(key)));

        int limit = properties.twoFactor().failedCodesPerAccount();
        assertThat(outcomes(person, "signin.totp")).filteredOn("failure"::equals).hasSizeBetween(1, limit);
        assertThat(answers).filteredOn(a -> uncheckedAt(a, "/signin/authenticator-code"))
                .hasSizeGreaterThanOrEqualTo(BURST - limit);
    }

    @Test
    void theRightSetUpCodeSentTwentyTimesAtOnceCountsNoWrongCode() throws Exception {
        Account person = TestPeople.newcomer(accounts, "race.setup", hasher.hash(PASSWORD));
        HttpAgent browser = TestPeople.browser(issuer);
        toSecondFactor(browser, person);
        TwoFactorPerson app = new TwoFactorPerson(jdbc);
        TotpSecret key = app.toSetUpCode(browser);

        List<HttpResponse<String>> answers = Race.post(Collections.nCopies(BROWSERS, browser),
                "/signin/authenticator-setup-code", Map.of("code", app.codeNow(key, 0)));

        assertThat(answers).as("every copy goes where the first one went")
                .allSatisfy(a -> assertThat(HttpAgent.location(a)).endsWith("/signin/sms-backup"));
        assertThat(outcomes(person, "factor.setup.totp")).as("one right code, and no wrong one").containsExactly("success");
    }

    @Test
    void wrongSmsCodesPostedAtOnceAreComparedOnlyUpToTheCodesLimit() throws Exception {
        Account person = TestPeople.newcomer(accounts, "race.sms.wrong", hasher.hash(PASSWORD));
        String mobile = TwoFactorPerson.uniqueMobile();
        enrol(person, mobile);
        HttpAgent attacker = atMethod(person, "SMS", "/signin/sms-code");
        String sent = new TwoFactorPerson(jdbc).smsCodeTo(TwoFactorPerson.e164(mobile));

        List<HttpResponse<String>> answers = Race.post(Collections.nCopies(BURST, attacker), "/signin/sms-code",
                Map.of("code", sent.equals("000000") ? "000001" : "000000"));

        assertThat(answers).filteredOn(a -> a.body().contains("That code is not right."))
                .as("wrong codes compared with the code sent")
                .hasSizeBetween(1, properties.twoFactor().smsAttemptsPerCode());
        int limit = properties.twoFactor().failedCodesPerAccount();
        assertThat(outcomes(person, "signin.sms")).filteredOn("failure"::equals).hasSizeBetween(1, limit);
        assertThat(answers).filteredOn(a -> uncheckedAt(a, "/signin/sms-code")).hasSizeGreaterThanOrEqualTo(BURST - limit);
    }

    /**
     * Not checked: told to wait (the account at its limit), or, still waiting for the other checks of its sign-in
     * after a few seconds, sent back to its page (decision 0052: one code check at a time per sign-in).
     */
    private static boolean uncheckedAt(HttpResponse<String> answer, String page) {
        return answer.body().contains(TOO_MANY) || HttpAgent.isRedirect(answer) && HttpAgent.location(answer).endsWith(page);
    }

    @Test
    void codeChecksStartedAtOnceAreAtMostTheLimitEvenWhenEachCheckTakesAWhile() throws Exception {
        Account person = TestPeople.account(accounts, "race.slow.check", null);
        SignInFlow flow = new SignInFlow("race-" + UUID.randomUUID(), Step.AUTHENTICATOR_CODE, person.email(),
                person.id(), "test-web", "/", List.of(), 0, Instant.now(), Instant.now().plus(Duration.ofMinutes(15)));
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/signin/authenticator-code");
        request.setRemoteAddr(TestPeople.uniqueAddress());
        StepContext context = new StepContext(request, new MockHttpServletResponse());
        AtomicInteger checked = new AtomicInteger();

        List<StepResult> results = Race.run(BURST, () -> attempts.checkAtSignIn(flow, context, FactorKind.TOTP,
                Map.of("code", "123456"), code -> {
                    checked.incrementAndGet();
                    sleep(Duration.ofMillis(200)); // a slow check: all the others arrive while it runs
                    return false;
                }, "twofactor.code.invalid", () -> Step.DONE));

        assertThat(checked).as("codes checked").hasValueBetween(1, properties.twoFactor().failedCodesPerAccount());
        assertThat(results).filteredOn(StepResult.Locked.class::isInstance).hasSize(BURST - checked.get());
    }

    /**
     * Every browser but the one signed in was refused: told the code was used, or, once the refusals reached the
     * account's limit of wrong codes, told to wait.
     */
    private static void assertRefused(List<HttpResponse<String>> answers, String used) {
        assertThat(answers).filteredOn(a -> !HttpAgent.isRedirect(a))
                .hasSize(BROWSERS - 1)
                .allSatisfy(a -> assertThat(a.body()).containsAnyOf(used, "Too many wrong codes."))
                .anySatisfy(a -> assertThat(a.body()).contains(used));
    }

    private Enrolled enrol(Account person, String mobile) {
        HttpAgent browser = TestPeople.browser(issuer);
        toSecondFactor(browser, person);
        return new TwoFactorPerson(jdbc).enrol(browser, mobile);
    }

    /** Twenty browsers, each signed in with the password and moved to this method's page. */
    private List<HttpAgent> atMethod(Account person, String method, String page, int count) {
        List<HttpAgent> browsers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            browsers.add(atMethod(person, method, page));
        }
        return browsers;
    }

    /** A browser signed in with the password and moved to this method's page. */
    private HttpAgent atMethod(Account person, String method, String page) {
        HttpAgent browser = TestPeople.browser(issuer);
        toSecondFactor(browser, person);
        browser.post("/signin/authenticator-code", Map.of("action", "other"));
        assertThat(HttpAgent.location(browser.post("/signin/other-method", Map.of("method", method)))).endsWith(page);
        assertThat(browser.get(page).statusCode()).isEqualTo(200);
        return browser;
    }

    /** A code that no time step the server accepts now has (±1 step of clock drift, and the next one). */
    private static String wrongCode(TotpSecret key) {
        TwoFactorPerson app = new TwoFactorPerson(null);
        Set<String> near = Set.of(app.codeNow(key, -1), app.codeNow(key, 0), app.codeNow(key, 1), app.codeNow(key, 2));
        return IntStream.range(0, 10).mapToObj("%06d"::formatted).filter(code -> !near.contains(code)).findFirst()
                .orElseThrow();
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void toSecondFactor(HttpAgent browser, Account person) {
        browser.get(HttpAgent.location(browser.get(OidcClient.web().authorizationUrl())));
        browser.post("/signin", Map.of("email", person.email().value()));
        browser.get("/signin/password");
        assertThat(HttpAgent.isRedirect(browser.post("/signin/password", Map.of("password", PASSWORD)))).isTrue();
    }

    private List<String> outcomes(Account person, String type) {
        return jdbc.sql("SELECT outcome FROM audit_event WHERE account_id = :a AND event_type = :t")
                .param("a", person.id()).param("t", type).query(String.class).list();
    }
}
