package se.portvakt.signin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
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
 * Decision 0067: a browser session made when the sign-in's last factor passed is signed in as it is at the sign-in's
 * end (no new id, two row writes fewer); every other session still gets a new id there (session fixation): one that
 * was there before the sign-in, one made before a further factor passed, and one in which another account's factor
 * passed after it was made.
 */
abstract class SessionMadeAtTheLastFactorTest {

    @OnH2
    static class OnEmbeddedDatabase extends SessionMadeAtTheLastFactorTest {}

    @OnPostgres
    static class OnPostgreSql extends SessionMadeAtTheLastFactorTest {}

    private static final String SESSION = "PORTVAKT_SESSION";
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
    void theSessionMadeAtThePasswordIsSignedInAsItIsAfterThePrompt() {
        Account person = TestPeople.newcomer(accounts, "made.at.password", hasher.hash(PASSWORD));
        HttpAgent browser = TestPeople.browser(issuer);
        OidcClient.Request request = OidcClient.web();
        browser.get(HttpAgent.location(browser.get(request.authorizationUrl())));
        browser.post("/signin", Map.of("email", person.email().value()));
        browser.get("/signin/password");
        assertThat(HttpAgent.location(browser.post("/signin/password", Map.of("password", PASSWORD))))
                .endsWith("/signin/two-factor");
        String madeAtThePassword = browser.cookie(SESSION);
        assertThat(madeAtThePassword).isNotNull();
        browser.get("/signin/two-factor");
        String promptsToken = browser.csrf();

        HttpResponse<String> later = browser.post("/signin/two-factor", Map.of("action", "later"));

        assertThat(HttpAgent.location(later)).contains("/oauth2/authorize");
        assertThat(browser.cookie(SESSION)).as("the same session, signed in").isEqualTo(madeAtThePassword);
        assertThat(storedSessions(madeAtThePassword)).isEqualTo(1);
        assertThat(attributeNames(madeAtThePassword)).as("signed in, the flow off, the CSRF token to be made anew")
                .containsExactlyInAnyOrder("SPRING_SECURITY_CONTEXT", SessionSignIn.ATTRIBUTE);
        URI back = URI.create(HttpAgent.location(browser.get(HttpAgent.location(later))));
        assertThat(back.getQuery()).contains("code=");
        assertThat(browser.get("/").body()).contains("Signed in as");
        // The flow is no longer the session's: the prompt's page is over.
        assertThat(HttpAgent.location(browser.get("/signin/two-factor"))).doesNotEndWith("/signin/two-factor");
        // The CSRF token is renewed at the sign-in all the same: the prompt's came from the pages before the password.
        assertThat(browser.post("/signout", Map.of("_csrf", promptsToken)).statusCode()).isEqualTo(403);
    }

    @Test
    void aSessionMadeAtThePasswordGetsANewIdWhenASecondFactorPassesAfterIt() throws Exception {
        Account person = TestPeople.newcomer(accounts, "made.before.code", hasher.hash(PASSWORD));
        TwoFactorPerson phone = new TwoFactorPerson(jdbc);
        HttpAgent setUp = TestPeople.browser(issuer);
        password(setUp, OidcClient.web(), person);
        Enrolled enrolled = phone.enrol(setUp, null);

        HttpAgent browser = TestPeople.browser(issuer);
        assertThat(HttpAgent.location(password(browser, OidcClient.web(), person))).endsWith("/signin/authenticator-code");
        String madeAtThePassword = browser.cookie(SESSION);
        browser.get("/signin/authenticator-code");
        String code = phone.codeNow(enrolled.key(), 1);

        // Sent ten times at once (a double click): copies still in flight when the session was renewed must not
        // write the old id back as a signed-in one.
        List<HttpResponse<String>> answers = Race.send(10, () -> browser.post("/signin/authenticator-code",
                Map.of("code", code)));

        assertThat(answers).anySatisfy(a -> assertThat(HttpAgent.location(a)).contains("/oauth2/authorize"));
        assertThat(browser.cookie(SESSION)).isNotNull().isNotEqualTo(madeAtThePassword);
        assertThat(storedSessions(madeAtThePassword)).as("the old row ends with the new one's save").isZero();
        assertThat(browser.get("/").body()).contains("Signed in as");
        HttpAgent planted = TestPeople.browser(issuer);
        planted.cookies().getCookieStore().add(URI.create(issuer + "/"), SignInSecurityTest.sessionCookie(madeAtThePassword));
        assertThat(planted.get("/").body()).doesNotContain("Signed in as");
    }

    @Test
    void anAttackersOwnSessionAtThePromptPlantedInAVictimsBrowserIsWorthNothingAfterTheVictimSignsIn() {
        Account attackersOwn = TestPeople.newcomer(accounts, "attacker", hasher.hash(PASSWORD));
        Account victimsAccount = TestPeople.newcomer(accounts, "victim", hasher.hash("the victim's own password"));
        HttpAgent attacker = TestPeople.browser(issuer);
        assertThat(HttpAgent.location(password(attacker, OidcClient.web(), attackersOwn))).endsWith("/signin/two-factor");
        String planted = attacker.cookie(SESSION);

        HttpAgent victim = TestPeople.browser(issuer);
        victim.cookies().getCookieStore().add(URI.create(issuer + "/"), SignInSecurityTest.sessionCookie(planted));
        // The victim goes back to the email page of that sign-in (the back arrow: the same flow) and signs in as
        // themself: the session was made at a factor, but not at the last one passed in it.
        victim.get("/signin");
        victim.post("/signin", Map.of("email", victimsAccount.email().value()));
        victim.get("/signin/password");
        victim.post("/signin/password", Map.of("password", "the victim's own password"));
        victim.get("/signin/two-factor");
        victim.post("/signin/two-factor", Map.of("action", "later"));
        assertThat(victim.get("/").body()).contains("Signed in as", victimsAccount.email().value());

        assertThat(attacker.get("/").body()).doesNotContain("Signed in as");
    }

    /** Rows of the session whose cookie is {@code cookie} (Spring Session's cookie is the id in Base64). */
    private int storedSessions(String cookie) {
        String id = new String(Base64.getDecoder().decode(cookie), StandardCharsets.UTF_8);
        return jdbc.sql("SELECT COUNT(*) FROM spring_session WHERE session_id = :id").param("id", id)
                .query(Integer.class).single();
    }

    private List<String> attributeNames(String cookie) {
        String id = new String(Base64.getDecoder().decode(cookie), StandardCharsets.UTF_8);
        return jdbc.sql("""
                SELECT a.attribute_name FROM spring_session_attributes a
                JOIN spring_session s ON s.primary_id = a.session_primary_id WHERE s.session_id = :id
                """).param("id", id).query(String.class).list();
    }

    private static HttpResponse<String> password(HttpAgent browser, OidcClient.Request request, Account person) {
        return OidcClient.throughPassword(browser, request, person.email().value(), PASSWORD);
    }
}
