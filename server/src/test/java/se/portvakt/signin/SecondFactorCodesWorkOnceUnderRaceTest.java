package se.portvakt.signin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.ArrayList;
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
import se.portvakt.testing.OidcClient;
import se.portvakt.testing.OnH2;
import se.portvakt.testing.OnPostgres;
import se.portvakt.testing.Race;
import se.portvakt.testing.TestPeople;
import se.portvakt.testing.TwoFactorPerson;
import se.portvakt.testing.TwoFactorPerson.Enrolled;

/**
 * The emergency code and an SMS code each sign in exactly once, also when twenty browsers (each at the code
 * page of its own sign-in) submit the same right code at the same moment: the database decides, not a read
 * followed by a write.
 */
abstract class SecondFactorCodesWorkOnceUnderRaceTest {

    @OnH2
    static class OnEmbeddedDatabase extends SecondFactorCodesWorkOnceUnderRaceTest {}

    @OnPostgres
    static class OnPostgreSql extends SecondFactorCodesWorkOnceUnderRaceTest {}

    private static final int BROWSERS = 20;
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
    void twentyBrowsersSubmitTheEmergencyCodeAtOnceAndOneIsSignedIn() throws Exception {
        Account person = TestPeople.newcomer(accounts, "race.emergency", hasher.hash(PASSWORD));
        Enrolled enrolled = enrol(person, null);
        List<HttpAgent> browsers = atMethod(person, "EMERGENCY_CODE", "/signin/emergency-code");

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
        List<HttpAgent> browsers = atMethod(person, "SMS", "/signin/sms-code");
        String code = new TwoFactorPerson(jdbc).smsCodeTo(TwoFactorPerson.e164(mobile));

        List<HttpResponse<String>> answers = Race.post(browsers, "/signin/sms-code", Map.of("code", code));

        assertThat(answers).filteredOn(a -> HttpAgent.isRedirect(a) && HttpAgent.location(a).contains("/oauth2/authorize"))
                .hasSize(1);
        assertRefused(answers, "That code has expired or was used.");
        assertThat(outcomes(person, "signin.sms")).filteredOn("success"::equals).hasSize(1);
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
    private List<HttpAgent> atMethod(Account person, String method, String page) {
        List<HttpAgent> browsers = new ArrayList<>();
        for (int i = 0; i < BROWSERS; i++) {
            HttpAgent browser = TestPeople.browser(issuer);
            toSecondFactor(browser, person);
            browser.post("/signin/authenticator-code", Map.of("action", "other"));
            assertThat(HttpAgent.location(browser.post("/signin/other-method", Map.of("method", method)))).endsWith(page);
            assertThat(browser.get(page).statusCode()).isEqualTo(200);
            browsers.add(browser);
        }
        return browsers;
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
