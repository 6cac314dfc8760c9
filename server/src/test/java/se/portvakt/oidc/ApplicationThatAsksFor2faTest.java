package se.portvakt.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
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
 * An application that asks for two-factor authentication for a sensitive page, with {@code acr_values} (OpenID
 * Connect Core 3.1.2.1, 5.5.1.1): a person signed in with one factor is asked for the second factor, or to set one
 * up, and nothing else; a list is read in order of preference, foreign values are skipped (decision 0027).
 */
abstract class ApplicationThatAsksFor2faTest {

    @OnH2
    static class OnEmbeddedDatabase extends ApplicationThatAsksFor2faTest {}

    @OnPostgres
    static class OnPostgreSql extends ApplicationThatAsksFor2faTest {}

    private static final String PASSWORD = "a long enough password";
    private static final String SECRET = "test-web-secret";
    private static final String ONE_FACTOR = "urn:portvakt:acr:1fa";
    private static final String TWO_FACTORS = "urn:portvakt:acr:2fa";

    @Value("${portvakt.issuer}")
    String issuer;

    @Autowired
    AccountStore accounts;

    @Autowired
    PasswordHasher hasher;

    @Autowired
    JdbcClient jdbc;

    // A session signed in with one factor

    @Test
    void aOneFactorSessionIsAskedForTheSecondFactorOnlyAndTheIdTokenSays2fa() {
        Account person = TestPeople.newcomer(accounts, "acr.step.up", hasher.hash(PASSWORD));
        HttpAgent browser = TestPeople.browser(issuer);
        OidcClient.Request first = OidcClient.web();
        URI signedIn = OidcClient.signIn(browser, first, person.email().value(), PASSWORD); // "Remind me later"
        assertThat(idToken(browser, first, signedIn).get("acr").asString()).isEqualTo(ONE_FACTOR);
        // Meanwhile, on another computer, the person sets up 2FA.
        TwoFactorPerson phone = new TwoFactorPerson(jdbc);
        Enrolled enrolled = enrolledElsewhere(person, phone);
        OidcClient.Request sensitive = OidcClient.web();

        HttpResponse<String> asked = browser.get(sensitive.authorizationUrl() + acrValues(TWO_FACTORS));

        assertThat(HttpAgent.location(asked)).as("no code for one factor").endsWith("/signin/step-up");
        HttpResponse<String> toSecondFactor = browser.get(HttpAgent.location(asked));
        assertThat(HttpAgent.location(toSecondFactor)).as("straight to the second factor: no email, no password")
                .endsWith("/signin/authenticator-code");
        assertThat(browser.get("/signin/authenticator-code").statusCode()).isEqualTo(200);
        HttpResponse<String> passed = browser.post("/signin/authenticator-code",
                Map.of("code", phone.codeNow(enrolled.key(), 1)));

        JsonNode idToken = OidcClient.idTokenAfter(browser, issuer, sensitive, SECRET, passed);
        assertThat(idToken.get("sub").asString()).isEqualTo(person.id());
        assertThat(idToken.get("acr").asString()).isEqualTo(TWO_FACTORS);
        assertThat(idToken.get("amr").toString()).contains("\"pwd\"", "\"otp\"", "\"mfa\"");
        assertThat(jdbc.sql("""
                SELECT detail FROM audit_event WHERE account_id = :a AND event_type = 'signin.step-up'
                """).param("a", person.id()).query(String.class).list()).containsExactly("FACTOR_PASSWORD");
        // The session is two-factor now: the next sensitive page goes straight through.
        OidcClient.Request next = OidcClient.web();
        URI straight = URI.create(HttpAgent.location(browser.get(next.authorizationUrl() + acrValues(TWO_FACTORS))));
        assertThat(straight.toString()).startsWith(next.redirectUri);
        assertThat(OidcClient.param(straight, "code")).isNotNull();
    }

    @Test
    void aOneFactorSessionWithout2faIsAskedToSetItUpAndRemindMeLaterDoesNotGetThrough() {
        Account person = TestPeople.account(accounts, "acr.set.up", hasher.hash(PASSWORD));
        HttpAgent browser = TestPeople.browser(issuer);
        OidcClient.signIn(browser, OidcClient.web(), person.email().value(), PASSWORD);
        OidcClient.Request sensitive = OidcClient.web();

        HttpResponse<String> prompt = browser.follow(browser.get(sensitive.authorizationUrl() + acrValues(TWO_FACTORS)));

        assertThat(prompt.uri().getPath()).isEqualTo("/signin/two-factor");
        assertThat(prompt.body()).contains("This application requires two-factor authentication.")
                .doesNotContain("Remind me later");
        HttpResponse<String> later = browser.post("/signin/two-factor", Map.of("action", "later"));
        assertThat(later.statusCode()).isEqualTo(200);
        assertThat(later.body()).contains("enable it to continue");
        assertThat(HttpAgent.location(browser.get(sensitive.authorizationUrl() + acrValues(TWO_FACTORS))))
                .as("still no code").doesNotStartWith(sensitive.redirectUri);

        Enrolled enrolled = new TwoFactorPerson(jdbc).enrol(browser, null);

        JsonNode idToken = OidcClient.idTokenAfter(browser, issuer, sensitive, SECRET, enrolled.backToApplication());
        assertThat(idToken.get("acr").asString()).isEqualTo(TWO_FACTORS);
        assertThat(idToken.get("amr").toString()).contains("\"pwd\"", "\"otp\"", "\"mfa\"");
    }

    @Test
    void aTwoFactorSessionGoesStraightThroughAlsoWithPromptNone() {
        Account person = TestPeople.newcomer(accounts, "acr.two.factors", hasher.hash(PASSWORD));
        HttpAgent browser = TestPeople.browser(issuer);
        browser.get(HttpAgent.location(browser.get(OidcClient.web().authorizationUrl())));
        browser.post("/signin", Map.of("email", person.email().value()));
        browser.post("/signin/password", Map.of("password", PASSWORD));
        new TwoFactorPerson(jdbc).enrol(browser, null);

        OidcClient.Request sensitive = OidcClient.web();
        URI callback = URI.create(HttpAgent.location(browser.get(sensitive.authorizationUrl() + acrValues(TWO_FACTORS))));
        assertThat(callback.toString()).startsWith(sensitive.redirectUri);
        assertThat(idToken(browser, sensitive, callback).get("acr").asString()).isEqualTo(TWO_FACTORS);
        URI silently = URI.create(HttpAgent.location(
                browser.get(OidcClient.web().authorizationUrl() + "&prompt=none" + acrValues(TWO_FACTORS))));
        assertThat(OidcClient.param(silently, "code")).isNotNull();
        assertThat(OidcClient.param(silently, "error")).isNull();
    }

    @Test
    void promptNoneWithAOneFactorSessionIsInteractionRequired() {
        Account person = TestPeople.account(accounts, "acr.prompt.none", hasher.hash(PASSWORD));
        HttpAgent browser = TestPeople.browser(issuer);
        OidcClient.signIn(browser, OidcClient.web(), person.email().value(), PASSWORD);
        OidcClient.Request sensitive = OidcClient.web();

        URI answer = URI.create(HttpAgent.location(
                browser.get(sensitive.authorizationUrl() + "&prompt=none" + acrValues(TWO_FACTORS))));

        assertThat(answer.toString()).startsWith(sensitive.redirectUri);
        assertThat(OidcClient.param(answer, "error")).isEqualTo("interaction_required");
        assertThat(OidcClient.param(answer, "state")).isEqualTo(sensitive.state);
        assertThat(OidcClient.param(answer, "code")).isNull();
        URI withoutSession = URI.create(HttpAgent.location(TestPeople.browser(issuer)
                .get(OidcClient.web().authorizationUrl() + "&prompt=none" + acrValues(TWO_FACTORS))));
        assertThat(OidcClient.param(withoutSession, "error")).isEqualTo("login_required");
    }

    // Without a session

    @Test
    void withoutASessionTheSignInAsksForTheSecondFactorAfterThePassword() {
        Account person = TestPeople.newcomer(accounts, "acr.no.session", hasher.hash(PASSWORD));
        TwoFactorPerson phone = new TwoFactorPerson(jdbc);
        Enrolled enrolled = enrolledElsewhere(person, phone);
        HttpAgent browser = TestPeople.browser(issuer);
        OidcClient.Request sensitive = OidcClient.web();

        browser.get(HttpAgent.location(browser.get(sensitive.authorizationUrl() + acrValues(TWO_FACTORS))));
        browser.post("/signin", Map.of("email", person.email().value()));
        HttpResponse<String> afterPassword = browser.post("/signin/password", Map.of("password", PASSWORD));

        assertThat(HttpAgent.location(afterPassword)).endsWith("/signin/authenticator-code");
        HttpResponse<String> passed = browser.post("/signin/authenticator-code",
                Map.of("code", phone.codeNow(enrolled.key(), 1)));
        assertThat(OidcClient.idTokenAfter(browser, issuer, sensitive, SECRET, passed).get("acr").asString())
                .isEqualTo(TWO_FACTORS);
    }

    @Test
    void withoutASessionAPersonWho2faRemindedLaterIsAskedToSetItUpWithNoLater() {
        // Reminded recently: an ordinary sign-in of this person goes straight back to the application.
        Account person = TestPeople.account(accounts, "acr.snoozed", hasher.hash(PASSWORD));
        HttpAgent browser = TestPeople.browser(issuer);
        OidcClient.Request sensitive = OidcClient.web();

        browser.get(HttpAgent.location(browser.get(sensitive.authorizationUrl() + acrValues(TWO_FACTORS))));
        browser.post("/signin", Map.of("email", person.email().value()));
        HttpResponse<String> afterPassword = browser.post("/signin/password", Map.of("password", PASSWORD));

        assertThat(HttpAgent.location(afterPassword)).endsWith("/signin/two-factor");
        assertThat(browser.get("/signin/two-factor").body()).doesNotContain("Remind me later");
        assertThat(browser.post("/signin/two-factor", Map.of("action", "later")).body()).contains("enable it to continue");
        Enrolled enrolled = new TwoFactorPerson(jdbc).enrol(browser, null);
        assertThat(OidcClient.idTokenAfter(browser, issuer, sensitive, SECRET, enrolled.backToApplication())
                .get("acr").asString()).isEqualTo(TWO_FACTORS);
    }

    // Lists and foreign values

    @Test
    void aListIsReadInOrderOfPreferenceAndForeignValuesAreSkipped() {
        Account person = TestPeople.account(accounts, "acr.lists", hasher.hash(PASSWORD));
        HttpAgent browser = TestPeople.browser(issuer);
        OidcClient.signIn(browser, OidcClient.web(), person.email().value(), PASSWORD);

        for (String stepsUp : new String[] {"urn:other:gold " + TWO_FACTORS, TWO_FACTORS + " " + ONE_FACTOR,
                "urn:other:gold  " + TWO_FACTORS + " urn:other:silver"}) {
            HttpResponse<String> asked = browser.get(OidcClient.web().authorizationUrl() + acrValues(stepsUp));
            assertThat(HttpAgent.location(asked)).as(stepsUp).endsWith("/signin/step-up");
        }
        // A '+' in a query string is a space, as a form encodes it.
        HttpResponse<String> plus = browser.get(OidcClient.web().authorizationUrl()
                + "&acr_values=urn%3Aother%3Agold+urn%3Aportvakt%3Aacr%3A2fa");
        assertThat(HttpAgent.location(plus)).endsWith("/signin/step-up");
        for (String enough : new String[] {ONE_FACTOR, ONE_FACTOR + " " + TWO_FACTORS, "urn:other:gold " + ONE_FACTOR}) {
            OidcClient.Request request = OidcClient.web();
            URI callback = URI.create(HttpAgent.location(browser.get(request.authorizationUrl() + acrValues(enough))));
            assertThat(callback.toString()).as(enough).startsWith(request.redirectUri);
            assertThat(idToken(browser, request, callback).get("acr").asString()).as(enough).isEqualTo(ONE_FACTOR);
        }
    }

    @Test
    void foreignAndMalformedValuesAreIgnoredNeverAnError() {
        Account person = TestPeople.account(accounts, "acr.foreign", hasher.hash(PASSWORD));
        HttpAgent browser = TestPeople.browser(issuer);
        OidcClient.signIn(browser, OidcClient.web(), person.email().value(), PASSWORD);
        String[] foreign = {"&acr_values=urn%3Aother%3Agold", "&acr_values=urn%3Aother%3Agold%20urn%3Aother%3Asilver",
            "&acr_values=", "&acr_values=%20%20", "&acr_values", "&acr_values=URN%3APORTVAKT%3AACR%3A2FA",
            "&acr_values=urn%3Aportvakt%3Aacr%3A2fa%00", "&acr_values=urn%3Aportvakt%3Aacr%3A2fa%09",
            "&acr_values=%3Cscript%3E", "&acr_values=%E2%82%AC%F0%9F%94%92", "&acr_values=%25ZZ",
            "&acr_values=" + "x".repeat(4000), "&acr_values=0", "&acr_values=2fa"};

        for (String parameter : foreign) {
            OidcClient.Request request = OidcClient.web();
            HttpResponse<String> answer = browser.get(request.authorizationUrl() + parameter);

            assertThat(HttpAgent.isRedirect(answer)).as(parameter + " " + answer.statusCode()).isTrue();
            URI callback = URI.create(HttpAgent.location(answer));
            assertThat(callback.toString()).as(parameter).startsWith(request.redirectUri);
            assertThat(OidcClient.param(callback, "error")).as(parameter).isNull();
            assertThat(idToken(browser, request, callback).get("acr").asString()).as(parameter).isEqualTo(ONE_FACTOR);
        }
    }

    @Test
    void withoutASessionAForeignValueIsAnOrdinarySignInWithRemindMeLater() {
        Account person = TestPeople.newcomer(accounts, "acr.foreign.sign.in", hasher.hash(PASSWORD));
        HttpAgent browser = TestPeople.browser(issuer);
        OidcClient.Request request = OidcClient.web();

        browser.get(HttpAgent.location(browser.get(request.authorizationUrl() + acrValues("urn:other:gold"))));
        browser.post("/signin", Map.of("email", person.email().value()));
        HttpResponse<String> afterPassword = browser.post("/signin/password", Map.of("password", PASSWORD));

        assertThat(HttpAgent.location(afterPassword)).endsWith("/signin/two-factor");
        assertThat(browser.get("/signin/two-factor").body()).contains("Remind me later");
        JsonNode idToken = OidcClient.idTokenAfter(browser, issuer, request, SECRET,
                browser.post("/signin/two-factor", Map.of("action", "later")));
        assertThat(idToken.get("acr").asString()).isEqualTo(ONE_FACTOR);
    }

    @Test
    void aRepeatedAcrValuesIsInvalidRequestAtTheApplication() {
        for (String repeated : new String[] {acrValues(TWO_FACTORS) + acrValues(TWO_FACTORS),
                acrValues(ONE_FACTOR) + acrValues(TWO_FACTORS), acrValues(TWO_FACTORS) + "&acr_values="}) {
            for (boolean signedIn : new boolean[] {false, true}) {
                HttpAgent browser = TestPeople.browser(issuer);
                if (signedIn) {
                    Account person = TestPeople.account(accounts, "acr.repeated", hasher.hash(PASSWORD));
                    OidcClient.signIn(browser, OidcClient.web(), person.email().value(), PASSWORD);
                }
                OidcClient.Request request = OidcClient.web();

                HttpResponse<String> answer = browser.get(request.authorizationUrl() + repeated);

                assertThat(HttpAgent.isRedirect(answer)).as(repeated + " " + answer.statusCode()).isTrue();
                URI location = URI.create(HttpAgent.location(answer));
                assertThat(location.toString()).as(repeated).startsWith(request.redirectUri);
                assertThat(OidcClient.param(location, "error")).as(repeated).isEqualTo("invalid_request");
                assertThat(OidcClient.param(location, "state")).as(repeated).isEqualTo(request.state);
                assertThat(OidcClient.param(location, "code")).as(repeated).isNull();
            }
        }
    }

    // Discovery

    @Test
    void discoveryListsExactlyTheTwoLevels() {
        JsonNode metadata = OidcClient.json(new HttpAgent(issuer).get("/.well-known/openid-configuration"));

        assertThat(metadata.get("acr_values_supported").toString())
                .isEqualTo("[\"" + ONE_FACTOR + "\",\"" + TWO_FACTORS + "\"]");
        assertThat(metadata.get("claims_supported").toString()).contains("\"acr\"", "\"amr\"");
    }

    /** The person sets up 2FA in another browser, where an application asked for it. */
    private Enrolled enrolledElsewhere(Account person, TwoFactorPerson phone) {
        HttpAgent other = TestPeople.browser(issuer);
        other.get(HttpAgent.location(other.get(OidcClient.web().authorizationUrl() + acrValues(TWO_FACTORS))));
        other.post("/signin", Map.of("email", person.email().value()));
        assertThat(HttpAgent.location(other.post("/signin/password", Map.of("password", PASSWORD))))
                .endsWith("/signin/two-factor");
        return phone.enrol(other, null);
    }

    private JsonNode idToken(HttpAgent browser, OidcClient.Request request, URI callback) {
        HttpResponse<String> tokens = new HttpAgent(issuer).header("Authorization", OidcClient.basic(request.clientId, SECRET))
                .post("/oauth2/token", OidcClient.codeExchange(request, OidcClient.param(callback, "code")));
        assertThat(tokens.statusCode()).isEqualTo(200);
        return OidcClient.claims(OidcClient.json(tokens).get("id_token").asString());
    }

    private static String acrValues(String values) {
        return "&acr_values=" + URLEncoder.encode(values, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
