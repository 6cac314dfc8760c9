package se.portvakt.signin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.Pbkdf2PasswordEncoder;

import se.portvakt.account.Account;
import se.portvakt.account.AccountStore;
import se.portvakt.password.PasswordHasher;
import se.portvakt.signin.flow.SignInFlow;
import se.portvakt.signin.flow.Step;
import se.portvakt.testing.HttpAgent;
import se.portvakt.testing.OidcClient;
import se.portvakt.testing.OnH2;
import se.portvakt.testing.OnPostgres;
import se.portvakt.testing.TestPeople;

/** Journey step 2, "Password": the person enters the password and is sent back to the application. */
abstract class PasswordStepTest {

    @OnH2
    static class OnEmbeddedDatabase extends PasswordStepTest {}

    @OnPostgres
    static class OnPostgreSql extends PasswordStepTest {}

    static final String GENERIC_FAILURE = "The email address or password is incorrect.";

    @Value("${portvakt.issuer}")
    String issuer;

    @Autowired
    AccountStore accounts;

    @Autowired
    PasswordHasher hasher;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    FlowCookie flowCookie;

    @Test
    void thePageShowsTheEmailABackArrowPasswordSignInAndForgotYourPassword() {
        HttpAgent browser = TestPeople.browser(issuer);
        String email = TestPeople.uniqueEmail("page");
        HttpResponse<String> page = atPasswordPage(browser, email);

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body())
                .contains("<span class=\"email\">" + email + "</span>")
                .containsPattern("<a href=\"/signin\" class=\"back\"")
                .contains("class=\"avatar\"")
                .contains(">Password</label>")
                .contains("type=\"password\"")
                .contains(">Sign in</button>")
                .containsPattern("<a href=\"/signin/forgot\" class=\"forward\">\\s*<span>Forgot your password\\?</span>\\s*<svg");
        assertThat(page.body().indexOf(">Password</label>")).isLessThan(page.body().indexOf("Forgot your password?"));
        assertThat(browser.get("/signin/forgot").statusCode()).as("Forgot your password? is a real link").isEqualTo(200);
    }

    @Test
    void theBackArrowReturnsToTheEmailStepWithTheEmailKept() {
        HttpAgent browser = TestPeople.browser(issuer);
        String email = TestPeople.uniqueEmail("back");
        atPasswordPage(browser, email);

        HttpResponse<String> back = browser.get("/signin");

        assertThat(back.body()).contains(">Email address</label>").contains("value=\"" + email + "\"");
        assertThat(HttpAgent.location(browser.get("/signin/password"))).as("the flow is at step 1 again").endsWith("/signin");
        HttpResponse<String> other = browser.post("/signin", Map.of("email", "other." + email));
        assertThat(HttpAgent.location(other)).endsWith("/signin/password");
        assertThat(browser.get("/signin/password").body()).contains("other." + email);
    }

    @Test
    void theRightPasswordSignsInAndGoesBackToTheApplication() {
        Account person = TestPeople.account(accounts, "right", hasher.hash("a long enough password"));
        HttpAgent browser = TestPeople.browser(issuer);
        OidcClient.Request request = OidcClient.web();

        URI callback = OidcClient.signIn(browser, request, person.email().value(), "a long enough password");

        assertThat(OidcClient.param(callback, "code")).isNotBlank();
        assertThat(OidcClient.param(callback, "state")).isEqualTo(request.state);
    }

    @Test
    void withoutAnApplicationASignedInPersonLandsOnTheHomePage() {
        Account person = TestPeople.account(accounts, "home", hasher.hash("a long enough password"));
        HttpAgent browser = TestPeople.browser(issuer);
        atPasswordPage(browser, person.email().value());

        HttpResponse<String> done = browser.post("/signin/password", Map.of("password", "a long enough password"));

        assertThat(done.statusCode()).isEqualTo(302);
        assertThat(HttpAgent.location(done)).isIn("/", issuer + "/");
        assertThat(browser.get("/").body()).contains("Signed in as " + person.email().value());
    }

    @Test
    void wrongPasswordAndUnknownEmailGetTheSameMessage() {
        Account known = TestPeople.account(accounts, "known", hasher.hash("the real password"));
        String unknown = TestPeople.uniqueEmail("unknown");

        HttpResponse<String> wrongPassword = failAt(known.email().value(), "not the password");
        HttpResponse<String> unknownEmail = failAt(unknown, "not the password");
        HttpResponse<String> noPassword = failAt("first.login@example.com", "not the password");

        assertThat(wrongPassword.statusCode()).isEqualTo(200);
        assertThat(unknownEmail.statusCode()).isEqualTo(wrongPassword.statusCode());
        assertThat(noPassword.statusCode()).isEqualTo(wrongPassword.statusCode());
        assertThat(wrongPassword.body()).contains(GENERIC_FAILURE);
        String reference = comparable(wrongPassword, known.email().value());
        assertThat(comparable(unknownEmail, unknown)).isEqualTo(reference);
        assertThat(comparable(noPassword, "first.login@example.com")).isEqualTo(reference);
        assertThat(wrongPassword.headers().map().keySet()).isEqualTo(unknownEmail.headers().map().keySet());
    }

    @Test
    void theAuditLogStillRecordsTheTrueReason() {
        Account known = TestPeople.account(accounts, "reason", hasher.hash("the real password"));
        Account noPassword = TestPeople.account(accounts, "nopassword", null);
        String unknown = TestPeople.uniqueEmail("reason.unknown");

        failAt(known.email().value(), "wrong");
        failAt(noPassword.email().value(), "wrong");
        failAt(unknown, "wrong");

        assertThat(failureReasons(known.email().value())).containsExactly("wrong password");
        assertThat(failureReasons(noPassword.email().value())).containsExactly("no password set");
        assertThat(failureReasons(unknown)).containsExactly("unknown email");
    }

    @Test
    void aWrongPasswordCanBeCorrectedOnTheSamePage() {
        Account person = TestPeople.account(accounts, "retry", hasher.hash("the real password"));
        HttpAgent browser = TestPeople.browser(issuer);
        atPasswordPage(browser, person.email().value());

        assertThat(browser.post("/signin/password", Map.of("password", "typo")).body()).contains(GENERIC_FAILURE);
        HttpResponse<String> done = browser.post("/signin/password", Map.of("password", "the real password"));

        assertThat(done.statusCode()).isEqualTo(302);
    }

    @Test
    void anImportedBcryptPasswordSignsInAndIsUpgradedToArgon2id() {
        Account person = TestPeople.account(accounts, "bcrypt",
                "{bcrypt}" + new BCryptPasswordEncoder().encode("password from the old system"));

        OidcClient.signIn(TestPeople.browser(issuer), OidcClient.web(), person.email().value(), "password from the old system");

        String stored = accounts.findById(person.id()).orElseThrow().passwordHash().orElseThrow();
        assertThat(stored).startsWith("{argon2}$argon2id$v=19$m=19456,t=2,p=1$");
        assertThat(hasher.verify("password from the old system", stored).matches()).isTrue();
        assertThat(eventTypes(person.email().value())).contains("password.rehashed");
        OidcClient.signIn(TestPeople.browser(issuer), OidcClient.web(), person.email().value(), "password from the old system");
    }

    @Test
    void anImportedPbkdf2PasswordSignsInAndIsUpgradedToArgon2id() {
        Account person = TestPeople.account(accounts, "pbkdf2",
                "{pbkdf2}" + Pbkdf2PasswordEncoder.defaultsForSpringSecurity_v5_8().encode("password from the old system"));

        OidcClient.signIn(TestPeople.browser(issuer), OidcClient.web(), person.email().value(), "password from the old system");

        assertThat(accounts.findById(person.id()).orElseThrow().passwordHash().orElseThrow()).startsWith("{argon2}$argon2id$");
    }

    @Test
    void aWrongPasswordDoesNotUpgradeAnImportedHash() {
        String imported = "{bcrypt}" + new BCryptPasswordEncoder().encode("password from the old system");
        Account person = TestPeople.account(accounts, "bcrypt.wrong", imported);

        failAt(person.email().value(), "a guess");

        assertThat(accounts.findById(person.id()).orElseThrow().passwordHash()).contains(imported);
    }

    @Test
    void anExpiredFlowLeadsBackToTheEmailStepWithAMessage() {
        HttpAgent browser = TestPeople.browser(issuer);
        String email = TestPeople.uniqueEmail("expired");
        atPasswordPage(browser, email);
        FlowCookies.expire(flowCookie, browser, issuer);

        HttpResponse<String> page = browser.post("/signin/password", Map.of("password", "whatever"));

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body())
                .contains("Your sign-in took too long and was stopped for your safety. Please start again.")
                .contains(">Email address</label>");
        assertThat(failureReasons(email)).as("an expired flow checks no password").isEmpty();
        HttpResponse<String> again = browser.post("/signin", Map.of("email", email));
        assertThat(HttpAgent.location(again)).endsWith("/signin/password");
    }

    @Test
    void aMissingFlowLeadsBackToTheEmailStepWithAMessage() {
        HttpAgent browser = TestPeople.browser(issuer);
        String email = TestPeople.uniqueEmail("missing");
        atPasswordPage(browser, email);
        FlowCookies.put(browser, issuer, "");

        HttpResponse<String> page = browser.post("/signin/password", Map.of("password", "whatever"));

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("Your sign-in took too long").contains(">Email address</label>");
        assertThat(HttpAgent.location(browser.get("/signin/password"))).endsWith("/signin");
    }

    @Test
    void anExpiredFlowStillReturnsToTheApplicationThatAsked() {
        Account person = TestPeople.account(accounts, "expired.app", hasher.hash("a long enough password"));
        HttpAgent browser = TestPeople.browser(issuer);
        OidcClient.Request request = OidcClient.web();
        browser.get(HttpAgent.location(browser.get(request.authorizationUrl())));
        browser.post("/signin", Map.of("email", person.email().value()));
        browser.get("/signin/password");
        FlowCookies.expire(flowCookie, browser, issuer);
        browser.post("/signin/password", Map.of("password", "a long enough password"));

        browser.post("/signin", Map.of("email", person.email().value()));
        browser.get("/signin/password");
        HttpResponse<String> done = browser.post("/signin/password", Map.of("password", "a long enough password"));

        assertThat(HttpAgent.location(done)).contains("/oauth2/authorize").contains("client_id=test-web");
    }

    @Test
    void aFlowCookieAlteredOrSealedElsewhereCountsAsNone() {
        HttpAgent browser = TestPeople.browser(issuer);
        String email = TestPeople.uniqueEmail("altered");
        atPasswordPage(browser, email);
        String sealed = browser.cookie(FlowCookie.FLOW);
        // A character in the middle: the last one of unpadded base64 may carry unused bits, which decode to the same bytes.
        int middle = sealed.length() / 2;
        String altered = sealed.substring(0, middle) + (sealed.charAt(middle) == 'A' ? 'B' : 'A') + sealed.substring(middle + 1);
        FlowCookies.put(browser, issuer, altered);

        HttpResponse<String> page = browser.post("/signin/password", Map.of("password", "whatever"));

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("Your sign-in took too long").contains(">Email address</label>");
        assertThat(failureReasons(email)).as("an altered flow checks no password").isEmpty();
        // Nor does a flow sealed for another purpose pass for one (the saved request's cookie, bound to its own).
        HttpAgent other = TestPeople.browser(issuer);
        other.get(OidcClient.web().authorizationUrl());
        FlowCookies.put(browser, issuer, other.cookie("PORTVAKT_REQUEST"));
        assertThat(HttpAgent.location(browser.get("/signin/password"))).endsWith("/signin");
    }

    @Test
    void anAuthorizationRequestTooLongForACookieWaitsInTheSessionAndComesBackWhole() {
        Account person = TestPeople.account(accounts, "long.request", hasher.hash("a long enough password"));
        HttpAgent browser = TestPeople.browser(issuer);
        String padding = "p".repeat(3000);
        HttpResponse<String> toSignIn = browser.get(OidcClient.web().authorizationUrl() + "&padding=" + padding);
        assertThat(browser.cookie("PORTVAKT_REQUEST")).as("too long for a cookie").isNull();
        assertThat(browser.cookie("PORTVAKT_SESSION")).as("so it waits in a session").isNotNull();

        browser.get(HttpAgent.location(toSignIn));
        browser.post("/signin", Map.of("email", person.email().value()));
        browser.get("/signin/password");
        HttpResponse<String> done = browser.post("/signin/password", Map.of("password", "a long enough password"));

        assertThat(HttpAgent.location(done)).contains("/oauth2/authorize").contains("client_id=test-web")
                .contains("padding=" + padding);
    }

    @Test
    void theFlowBeforeThePasswordIsSealedInTheBrowserAndNotStored() {
        HttpAgent browser = TestPeople.browser(issuer);
        browser.get(HttpAgent.location(browser.get(OidcClient.web().authorizationUrl())));
        String email = TestPeople.uniqueEmail("sealed");
        browser.post("/signin", Map.of("email", email));

        SignInFlow flow = FlowCookies.of(flowCookie, browser);
        assertThat(flow.step()).isEqualTo(Step.PASSWORD);
        assertThat(flow.email().value()).isEqualTo(email);
        assertThat(flow.clientId()).isEqualTo("test-web");
        assertThat(browser.cookie(FlowCookie.FLOW)).as("nobody reads the email in it").doesNotContain(email)
                .doesNotContain(email.substring(0, email.indexOf('@')));
        assertThat(jdbc.sql("SELECT COUNT(*) FROM signin_flow WHERE id = :id").param("id", flow.id())
                .query(Integer.class).single()).isZero();
    }

    @Test
    void thePasswordPageWithoutAFlowGoesToTheEmailStep() {
        HttpResponse<String> response = TestPeople.browser(issuer).get("/signin/password");

        assertThat(response.statusCode()).isEqualTo(302);
        assertThat(HttpAgent.location(response)).endsWith("/signin");
    }

    private HttpResponse<String> atPasswordPage(HttpAgent browser, String email) {
        browser.get("/signin");
        HttpResponse<String> next = browser.post("/signin", Map.of("email", email));
        assertThat(HttpAgent.location(next)).endsWith("/signin/password");
        return browser.get("/signin/password");
    }

    private HttpResponse<String> failAt(String email, String password) {
        HttpAgent browser = TestPeople.browser(issuer);
        atPasswordPage(browser, email);
        return browser.post("/signin/password", Map.of("password", password));
    }

    /** The page as a person sees it, apart from the CSRF token and the email they typed. */
    private static String comparable(HttpResponse<String> page, String email) {
        return page.body().replaceAll("name=\"_csrf\" value=\"[^\"]+\"", "name=\"_csrf\" value=\"-\"").replace(email, "EMAIL");
    }

    private List<String> failureReasons(String email) {
        return jdbc.sql("""
                SELECT detail FROM audit_event WHERE email = :email AND event_type = 'signin.password' AND outcome = 'failure'
                ORDER BY id
                """).param("email", email).query(String.class).list();
    }

    private List<String> eventTypes(String email) {
        return jdbc.sql("SELECT event_type FROM audit_event WHERE email = :email ORDER BY id")
                .param("email", email).query(String.class).list();
    }
}
