package se.portvakt.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpResponse;
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
import se.portvakt.testing.TestPeople;
import se.portvakt.testing.TwoFactorPerson;
import se.portvakt.testing.TwoFactorPerson.Enrolled;
import tools.jackson.databind.JsonNode;

/**
 * An application declared with {@code require-two-factor: true} gets a code only for a session that passed two
 * factors, however the browser got its session: the authorization endpoint checks, and a signed-in person with one
 * factor is taken to the missing step (or the application gets {@code interaction_required} with prompt=none).
 */
abstract class ApplicationThatRequires2faTest {

    @OnH2
    static class OnEmbeddedDatabase extends ApplicationThatRequires2faTest {}

    @OnPostgres
    static class OnPostgreSql extends ApplicationThatRequires2faTest {}

    private static final String PASSWORD = "a long enough password";
    private static final String STRICT_CALLBACK = "http://localhost:8081/strict/callback";

    @Value("${portvakt.issuer}")
    String issuer;

    @Autowired
    AccountStore accounts;

    @Autowired
    PasswordHasher hasher;

    @Autowired
    JdbcClient jdbc;

    @Test
    void aSessionThatChoseRemindMeLaterElsewhereIsAskedToSetUp2faBeforeTheCode() {
        Account person = TestPeople.newcomer(accounts, "later.elsewhere", hasher.hash(PASSWORD));
        HttpAgent browser = TestPeople.browser(issuer);
        OidcClient.signIn(browser, OidcClient.web(), person.email().value(), PASSWORD);
        OidcClient.Request strict = strict();

        HttpResponse<String> asked = browser.get(strict.authorizationUrl());

        assertThat(HttpAgent.location(asked)).as("no code for one factor").doesNotStartWith(STRICT_CALLBACK);
        HttpResponse<String> prompt = browser.follow(asked);
        assertThat(prompt.uri().getPath()).isEqualTo("/signin/two-factor");
        assertThat(prompt.body()).contains("This application requires two-factor authentication.")
                .doesNotContain("Remind me later");
        assertThat(browser.post("/signin/two-factor", Map.of("action", "later")).body()).contains("enable it to continue");

        Enrolled enrolled = new TwoFactorPerson(jdbc).enrol(browser, null);

        JsonNode idToken = idToken(browser, strict, enrolled.backToApplication());
        assertThat(idToken.get("sub").asString()).isEqualTo(person.id());
        assertThat(idToken.get("acr").asString()).isEqualTo("urn:portvakt:acr:2fa");
        assertThat(idToken.get("amr").toString()).contains("\"pwd\"", "\"otp\"", "\"mfa\"");
        assertThat(jdbc.sql("""
                SELECT detail FROM audit_event WHERE account_id = :a AND event_type = 'signin.step-up'
                """).param("a", person.id()).query(String.class).list()).containsExactly("FACTOR_PASSWORD");
    }

    @Test
    void aOneFactorSessionOfAPersonWith2faIsAskedForTheSecondFactorBeforeTheCode() {
        Account person = TestPeople.newcomer(accounts, "enrolled.since", hasher.hash(PASSWORD));
        HttpAgent oneFactor = TestPeople.browser(issuer);
        OidcClient.signIn(oneFactor, OidcClient.web(), person.email().value(), PASSWORD);
        // Meanwhile, on another computer, the person sets up 2FA (this application asks for it).
        TwoFactorPerson phone = new TwoFactorPerson(jdbc);
        HttpAgent other = TestPeople.browser(issuer);
        other.get(HttpAgent.location(other.get(strict().authorizationUrl())));
        other.post("/signin", Map.of("email", person.email().value()));
        other.post("/signin/password", Map.of("password", PASSWORD));
        Enrolled enrolled = phone.enrol(other, null);
        OidcClient.Request strict = strict();

        HttpResponse<String> asked = oneFactor.follow(oneFactor.get(strict.authorizationUrl()));

        assertThat(asked.uri().getPath()).isEqualTo("/signin/authenticator-code");
        HttpResponse<String> passed = oneFactor.post("/signin/authenticator-code",
                Map.of("code", phone.codeNow(enrolled.key(), 1)));
        JsonNode idToken = idToken(oneFactor, strict, passed);
        assertThat(idToken.get("sub").asString()).isEqualTo(person.id());
        assertThat(idToken.get("acr").asString()).isEqualTo("urn:portvakt:acr:2fa");
    }

    @Test
    void aOneFactorSessionAskingWithPromptNoneGetsInteractionRequired() {
        Account person = TestPeople.account(accounts, "prompt.none", hasher.hash(PASSWORD));
        HttpAgent browser = TestPeople.browser(issuer);
        OidcClient.signIn(browser, OidcClient.web(), person.email().value(), PASSWORD);
        OidcClient.Request strict = strict();

        URI answer = URI.create(HttpAgent.location(browser.get(strict.authorizationUrl() + "&prompt=none")));

        assertThat(answer.toString()).startsWith(STRICT_CALLBACK);
        assertThat(OidcClient.param(answer, "error")).isEqualTo("interaction_required");
        assertThat(OidcClient.param(answer, "state")).isEqualTo(strict.state);
        assertThat(OidcClient.param(answer, "code")).isNull();
    }

    @Test
    void aPercentEncodedClientIdIsTheSameApplicationAndGetsNoRemindMeLater() {
        Account person = TestPeople.account(accounts, "encoded.client", hasher.hash(PASSWORD));
        HttpAgent browser = TestPeople.browser(issuer);
        OidcClient.Request strict = strict();
        String encoded = strict.authorizationUrl().replace("client_id=test-strict", "client_id=test%2Dstrict");
        assertThat(encoded).contains("test%2Dstrict");

        browser.get(HttpAgent.location(browser.get(encoded)));
        browser.post("/signin", Map.of("email", person.email().value()));
        browser.get("/signin/password");
        HttpResponse<String> afterPassword = browser.post("/signin/password", Map.of("password", PASSWORD));

        assertThat(HttpAgent.location(afterPassword)).endsWith("/signin/two-factor");
        assertThat(browser.get("/signin/two-factor").body()).contains("This application requires two-factor authentication.")
                .doesNotContain("Remind me later");
        HttpResponse<String> later = browser.post("/signin/two-factor", Map.of("action", "later"));
        assertThat(later.statusCode()).isEqualTo(200);
        assertThat(later.body()).contains("enable it to continue");
        Enrolled enrolled = new TwoFactorPerson(jdbc).enrol(browser, null);
        assertThat(idToken(browser, strict, enrolled.backToApplication()).get("acr").asString())
                .isEqualTo("urn:portvakt:acr:2fa");
    }

    @Test
    void aTwoFactorSessionGetsTheCodeAtOnceAlsoWithPromptNone() {
        Account person = TestPeople.newcomer(accounts, "two.factors", hasher.hash(PASSWORD));
        HttpAgent browser = TestPeople.browser(issuer);
        browser.get(HttpAgent.location(browser.get(OidcClient.web().authorizationUrl())));
        browser.post("/signin", Map.of("email", person.email().value()));
        browser.post("/signin/password", Map.of("password", PASSWORD));
        new TwoFactorPerson(jdbc).enrol(browser, null);

        OidcClient.Request strict = strict();
        URI callback = OidcClient.authorize(browser, strict);
        assertThat(OidcClient.param(callback, "code")).isNotNull();
        OidcClient.Request silent = strict();
        URI silently = URI.create(HttpAgent.location(browser.get(silent.authorizationUrl() + "&prompt=none")));
        assertThat(silently.toString()).startsWith(STRICT_CALLBACK);
        assertThat(OidcClient.param(silently, "code")).isNotNull();
        assertThat(OidcClient.param(silently, "error")).isNull();
    }

    private static OidcClient.Request strict() {
        return new OidcClient.Request("test-strict", STRICT_CALLBACK, "openid email");
    }

    private JsonNode idToken(HttpAgent browser, OidcClient.Request request, HttpResponse<String> backToApplication) {
        return OidcClient.idTokenAfter(browser, issuer, request, "test-strict-secret", backToApplication);
    }
}
