package se.portvakt.signin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
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
import se.portvakt.testing.OidcClient;
import se.portvakt.testing.OnH2;
import se.portvakt.testing.OnPostgres;
import se.portvakt.testing.Race;
import se.portvakt.testing.TestPeople;

/**
 * The last answer of a sign-in (here "Remind me later" on the 2FA prompt) sent twenty times at once by one browser, a
 * double click or a replayed form: the browser is signed in once, one sign-in is audited, the copies are sent back to
 * the application (or, arriving after the sign-in renewed the CSRF token, refused as an old form: 403), never an error,
 * and the application's request then gets its code. The database decides which copy finishes the flow.
 */
abstract class FinishingTheSignInTwiceAtOnceTest {

    @OnH2
    static class OnEmbeddedDatabase extends FinishingTheSignInTwiceAtOnceTest {}

    @OnPostgres
    static class OnPostgreSql extends FinishingTheSignInTwiceAtOnceTest {}

    private static final int COPIES = 20;
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
    void remindMeLaterSentTwentyTimesAtOnceSignsInOnce() throws Exception {
        Account person = TestPeople.newcomer(accounts, "finish.race", hasher.hash(PASSWORD));
        HttpAgent browser = TestPeople.browser(issuer);
        browser.get(HttpAgent.location(browser.get(OidcClient.web().authorizationUrl())));
        browser.post("/signin", Map.of("email", person.email().value()));
        browser.get("/signin/password");
        assertThat(HttpAgent.location(browser.post("/signin/password", Map.of("password", PASSWORD))))
                .endsWith("/signin/two-factor");
        assertThat(browser.get("/signin/two-factor").statusCode()).isEqualTo(200);
        String before = browser.cookie(SignInSecurityTest.SESSION);

        List<HttpResponse<String>> answers = Race.send(COPIES, () -> browser.post("/signin/two-factor",
                Map.of("action", "later")));

        assertThat(answers).as("one copy signed in, and those that came before it had finished are sent back to the "
                + "application; a copy read after the sign-in renewed the CSRF token is an old form (403)")
                .allSatisfy(a -> {
                    if (a.statusCode() != 403) {
                        assertThat(HttpAgent.location(a)).contains("/oauth2/authorize");
                    }
                })
                .anySatisfy(a -> assertThat(a.statusCode()).isEqualTo(302));
        assertThat(signIns(jdbc, person)).as("sign-ins audited").isEqualTo(1);
        HttpResponse<String> back = browser.get(HttpAgent.location(
                answers.stream().filter(HttpAgent::isRedirect).findFirst().orElseThrow()));
        assertThat(HttpAgent.location(back)).as("the browser is signed in: the application gets its code")
                .startsWith(OidcClient.web().redirectUri).contains("code=");
        // The session made at the password is the one signed in (decision 0067): the copies still in flight when it
        // was signed in wrote nothing back that undid the sign-in or gave the session its flow again. (Copies of a
        // code that sign in a session made before it: SessionMadeAtTheLastFactorTest.)
        assertThat(browser.cookie(SignInSecurityTest.SESSION)).isEqualTo(before);
        assertThat(browser.get("/").body()).contains("Signed in as");
        assertThat(HttpAgent.location(browser.get("/signin/two-factor"))).doesNotEndWith("/signin/two-factor");
    }

    /** How many sign-ins of this account the audit log has. */
    static int signIns(JdbcClient jdbc, Account person) {
        return jdbc.sql("SELECT count(*) FROM audit_event WHERE account_id = :a AND event_type = 'signin' AND outcome = 'success'")
                .param("a", person.id()).query(Integer.class).single();
    }
}
