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
import tools.jackson.databind.JsonNode;

/**
 * The authorization request parameters applications expect in the sign-in (OpenID Connect Core 3.1.2.1):
 * {@code login_hint}, {@code prompt=login}, {@code max_age}, {@code prompt=none}, {@code ui_locales}, and what the
 * server answers to malformed ones.
 */
abstract class AuthorizationRequestParametersTest {

    @OnH2
    static class OnEmbeddedDatabase extends AuthorizationRequestParametersTest {}

    @OnPostgres
    static class OnPostgreSql extends AuthorizationRequestParametersTest {}

    private static final String PASSWORD = "a long enough password";
    private static final String SECRET = "test-web-secret";

    @Value("${portvakt.issuer}")
    String issuer;

    @Autowired
    AccountStore accounts;

    @Autowired
    PasswordHasher hasher;

    @Autowired
    JdbcClient jdbc;

    // login_hint

    @Test
    void anEmailAsLoginHintStartsAtThePasswordAndTheBackArrowStillLeadsToTheEmail() {
        Account person = TestPeople.account(accounts, "hinted", hasher.hash(PASSWORD));
        HttpAgent browser = TestPeople.browser(issuer);
        OidcClient.Request request = OidcClient.web();

        HttpResponse<String> signIn = browser.get(HttpAgent.location(
                browser.get(request.authorizationUrl() + "&login_hint=" + encoded(person.email().value()))));

        assertThat(HttpAgent.location(signIn)).endsWith("/signin/password");
        assertThat(browser.get("/signin/password").body()).contains(person.email().value());
        HttpResponse<String> back = browser.get("/signin");
        assertThat(back.statusCode()).isEqualTo(200);
        assertThat(back.body()).contains("name=\"email\"").contains("value=\"" + person.email().value() + "\"");
        assertThat(HttpAgent.location(browser.post("/signin", Map.of("email", person.email().value()))))
                .endsWith("/signin/password");
        JsonNode idToken = OidcClient.idTokenAfter(browser, issuer, request, SECRET,
                browser.post("/signin/password", Map.of("password", PASSWORD)));
        assertThat(idToken.get("sub").asString()).isEqualTo(person.id());
    }

    @Test
    void anUnknownAddressAsLoginHintIsAnsweredAsATypedUnknownAddress() {
        String nobody = TestPeople.uniqueEmail("nobody");
        HttpAgent hinted = TestPeople.browser(issuer);
        hinted.get(HttpAgent.location(hinted.get(OidcClient.web().authorizationUrl() + "&login_hint=" + encoded(nobody))));
        HttpAgent typed = TestPeople.browser(issuer);
        typed.get(HttpAgent.location(typed.get(OidcClient.web().authorizationUrl())));
        assertThat(HttpAgent.location(typed.post("/signin", Map.of("email", nobody)))).endsWith("/signin/password");

        HttpResponse<String> hintedPage = hinted.get("/signin/password");
        HttpResponse<String> typedPage = typed.get("/signin/password");
        assertThat(hintedPage.statusCode()).isEqualTo(typedPage.statusCode()).isEqualTo(200);
        assertThat(withoutTokens(hintedPage.body())).isEqualTo(withoutTokens(typedPage.body()));
        HttpResponse<String> hintedWrong = hinted.post("/signin/password", Map.of("password", PASSWORD));
        HttpResponse<String> typedWrong = typed.post("/signin/password", Map.of("password", PASSWORD));
        assertThat(hintedWrong.statusCode()).isEqualTo(typedWrong.statusCode()).isEqualTo(200);
        assertThat(withoutTokens(hintedWrong.body())).isEqualTo(withoutTokens(typedWrong.body()))
                .contains("The email address or password is incorrect.");
    }

    @Test
    void aLoginHintThatIsNotAnEmailAddressIsIgnored() {
        for (String hint : new String[] {"not-an-email", "", "%40", "a@", "<script>@x"}) {
            HttpAgent browser = TestPeople.browser(issuer);
            HttpResponse<String> toSignIn = browser.get(OidcClient.web().authorizationUrl() + "&login_hint=" + encoded(hint));
            assertThat(HttpAgent.location(toSignIn)).as(hint).endsWith("/signin");

            HttpResponse<String> identify = browser.get(HttpAgent.location(toSignIn));

            assertThat(identify.statusCode()).as(hint).isEqualTo(200);
            assertThat(identify.body()).as(hint).contains("name=\"email\"").doesNotContain("&lt;script");
        }
    }

    // prompt=login and max_age

    @Test
    void promptLoginSignsInAgainAndTheIdTokenSaysWhen() throws InterruptedException {
        Account person = TestPeople.account(accounts, "prompt.login", hasher.hash(PASSWORD));
        HttpAgent browser = TestPeople.browser(issuer);
        OidcClient.Request request = OidcClient.web();
        long first = idToken(browser, request, OidcClient.signIn(browser, request, person.email().value(), PASSWORD))
                .get("auth_time").asLong();
        Thread.sleep(1100); // auth_time is in seconds

        OidcClient.Request again = OidcClient.web();
        HttpResponse<String> asked = browser.get(again.authorizationUrl() + "&prompt=login");

        assertThat(HttpAgent.location(asked)).as("no code without a new sign-in").endsWith("/signin");
        JsonNode idToken = signInAgain(browser, again, person);
        assertThat(idToken.get("sub").asString()).isEqualTo(person.id());
        assertThat(idToken.get("auth_time").asLong()).isGreaterThan(first);
        // And the next request without prompt=login uses that session as before.
        assertThat(OidcClient.param(OidcClient.authorize(browser, OidcClient.web()), "code")).isNotNull();
    }

    @Test
    void promptLoginWithoutASessionIsOneSignIn() {
        Account person = TestPeople.account(accounts, "prompt.login.first", hasher.hash(PASSWORD));
        HttpAgent browser = TestPeople.browser(issuer);
        OidcClient.Request request = OidcClient.web();

        HttpResponse<String> toSignIn = browser.get(request.authorizationUrl() + "&prompt=login");
        assertThat(HttpAgent.location(toSignIn)).endsWith("/signin");

        assertThat(signInAgain(browser, request, person).get("sub").asString()).isEqualTo(person.id());
    }

    @Test
    void aSessionOlderThanMaxAgeSignsInAgainAndAYoungerOneDoesNot() throws InterruptedException {
        Account person = TestPeople.account(accounts, "max.age", hasher.hash(PASSWORD));
        HttpAgent browser = TestPeople.browser(issuer);
        OidcClient.Request request = OidcClient.web();
        long first = idToken(browser, request, OidcClient.signIn(browser, request, person.email().value(), PASSWORD))
                .get("auth_time").asLong();

        OidcClient.Request young = OidcClient.web();
        URI callback = URI.create(HttpAgent.location(browser.get(young.authorizationUrl() + "&max_age=3600")));
        assertThat(callback.toString()).startsWith(young.redirectUri);
        assertThat(idToken(browser, young, callback).get("auth_time").asLong()).isEqualTo(first);

        Thread.sleep(2100);
        OidcClient.Request old = OidcClient.web();
        HttpResponse<String> asked = browser.get(old.authorizationUrl() + "&max_age=1");
        assertThat(HttpAgent.location(asked)).endsWith("/signin");
        assertThat(signInAgain(browser, old, person).get("auth_time").asLong()).isGreaterThan(first);
    }

    @Test
    void signingInAgainAsksForEveryFactorTheAccountHas() {
        Account person = TestPeople.newcomer(accounts, "again.2fa", hasher.hash(PASSWORD));
        HttpAgent browser = TestPeople.browser(issuer);
        browser.get(HttpAgent.location(browser.get(OidcClient.web().authorizationUrl())));
        browser.post("/signin", Map.of("email", person.email().value()));
        browser.post("/signin/password", Map.of("password", PASSWORD));
        new TwoFactorPerson(jdbc).enrol(browser, null);

        OidcClient.Request again = OidcClient.web();
        browser.get(HttpAgent.location(browser.get(again.authorizationUrl() + "&prompt=login")));
        browser.post("/signin", Map.of("email", person.email().value()));
        HttpResponse<String> afterPassword = browser.post("/signin/password", Map.of("password", PASSWORD));

        assertThat(HttpAgent.location(afterPassword)).endsWith("/signin/authenticator-code");
    }

    // prompt=none

    @Test
    void promptNoneWithoutASessionIsLoginRequiredAtTheApplication() {
        OidcClient.Request request = OidcClient.web();

        URI answer = URI.create(HttpAgent.location(
                TestPeople.browser(issuer).get(request.authorizationUrl() + "&prompt=none")));

        assertThat(answer.toString()).startsWith(request.redirectUri);
        assertThat(OidcClient.param(answer, "error")).isEqualTo("login_required");
        assertThat(OidcClient.param(answer, "state")).isEqualTo(request.state);
        assertThat(OidcClient.param(answer, "code")).isNull();
    }

    @Test
    void promptNoneWithASessionOlderThanMaxAgeIsLoginRequired() throws InterruptedException {
        Account person = TestPeople.account(accounts, "none.max.age", hasher.hash(PASSWORD));
        HttpAgent browser = TestPeople.browser(issuer);
        OidcClient.signIn(browser, OidcClient.web(), person.email().value(), PASSWORD);
        Thread.sleep(1100);
        OidcClient.Request request = OidcClient.web();

        URI answer = URI.create(HttpAgent.location(browser.get(request.authorizationUrl() + "&prompt=none&max_age=0")));

        assertThat(OidcClient.param(answer, "error")).isEqualTo("login_required");
        assertThat(OidcClient.param(answer, "state")).isEqualTo(request.state);
        URI silently = URI.create(HttpAgent.location(browser.get(OidcClient.web().authorizationUrl() + "&prompt=none")));
        assertThat(OidcClient.param(silently, "code")).as("the session itself is still good").isNotNull();
    }

    // ui_locales

    @Test
    void uiLocalesChoosesTheLanguageOfThatSignIn() {
        Account person = TestPeople.account(accounts, "ui.locales", hasher.hash(PASSWORD));
        HttpAgent browser = TestPeople.browser(issuer).header("Accept-Language", "en-GB,en;q=0.9");
        OidcClient.Request request = OidcClient.web();

        HttpResponse<String> identify = browser.get(HttpAgent.location(
                browser.get(request.authorizationUrl() + "&ui_locales=" + encoded("fr-CA sv-SE en"))));

        assertThat(identify.body()).contains("lang=\"sv\"").contains("Nästa");
        browser.post("/signin", Map.of("email", person.email().value()));
        assertThat(browser.get("/signin/password").body()).contains("Lösenord");
        assertThat(browser.post("/signin/password", Map.of("password", "wrong password")).body())
                .contains("E-postadressen eller lösenordet är fel.");
        OidcClient.idTokenAfter(browser, issuer, request, SECRET,
                browser.post("/signin/password", Map.of("password", PASSWORD)));
        // That sign-in is over: the next one speaks the browser's language again.
        assertThat(browser.get("/signin").body()).contains("lang=\"en\"").contains(">Next<");
    }

    @Test
    void uiLocalesEnOverridesASwedishBrowserAndUnknownValuesAreIgnored() {
        HttpAgent swedish = TestPeople.browser(issuer).header("Accept-Language", "sv-SE,sv;q=0.9");
        HttpResponse<String> english = swedish.get(HttpAgent.location(
                swedish.get(OidcClient.web().authorizationUrl() + "&ui_locales=en")));
        assertThat(english.body()).contains("lang=\"en\"").contains(">Next<");

        for (String unknown : new String[] {"xx", "", "123 !!", "fr-FR", "*"}) {
            HttpAgent browser = TestPeople.browser(issuer).header("Accept-Language", "sv-SE,sv;q=0.9");
            HttpResponse<String> page = browser.get(HttpAgent.location(
                    browser.get(OidcClient.web().authorizationUrl() + "&ui_locales=" + encoded(unknown))));
            assertThat(page.statusCode()).as(unknown).isEqualTo(200);
            assertThat(page.body()).as(unknown).contains("lang=\"sv\"").contains("Nästa");
        }
    }

    // Bad input

    @Test
    void malformedParametersAreInvalidRequestAtTheApplication() {
        String[] malformed = {
            "&prompt=none%20login", "&prompt=login%20none", "&prompt=none%20create", "&prompt=none%20consent",
            "&max_age=-1", "&max_age=abc", "&max_age=1.5", "&max_age=", "&max_age=99999999999", "&max_age=0&max_age=1",
            "&login_hint=a%40example.com&login_hint=b%40example.com", "&ui_locales=sv&ui_locales=en",
            "&nonce=a&nonce=b",
        };
        for (String parameters : malformed) {
            for (boolean signedIn : new boolean[] {false, true}) {
                HttpAgent browser = TestPeople.browser(issuer);
                if (signedIn) {
                    Account person = TestPeople.account(accounts, "malformed", hasher.hash(PASSWORD));
                    OidcClient.signIn(browser, OidcClient.web(), person.email().value(), PASSWORD);
                }
                OidcClient.Request request = OidcClient.web();

                HttpResponse<String> answer = browser.get(request.authorizationUrl() + parameters);

                assertThat(HttpAgent.isRedirect(answer)).as(parameters + " " + answer.statusCode() + " " + answer.body())
                        .isTrue();
                URI location = URI.create(HttpAgent.location(answer));
                assertThat(location.toString()).as(parameters).startsWith(request.redirectUri);
                assertThat(OidcClient.param(location, "error")).as(parameters).isEqualTo("invalid_request");
                assertThat(OidcClient.param(location, "state")).as(parameters).isEqualTo(request.state);
                assertThat(OidcClient.param(location, "code")).as(parameters).isNull();
            }
        }
    }

    @Test
    void aRepeatedPromptIsRefusedBeforeTheRedirectUriIsKnownGoodSoWithAPage() {
        for (String parameters : new String[] {"&prompt=none&prompt=none", "&prompt=login&prompt=none"}) {
            HttpResponse<String> answer = TestPeople.browser(issuer).get(OidcClient.web().authorizationUrl() + parameters);

            assertThat(answer.statusCode()).as(parameters).isEqualTo(400); // Spring's request converter
            assertThat(answer.body()).as(parameters).contains("That did not work");
        }
    }

    @Test
    void malformedParametersWithAnUnregisteredRedirectUriAreAPageNotARedirect() {
        OidcClient.Request elsewhere = new OidcClient.Request("test-web", "https://attacker.example/callback",
                "openid email");

        HttpResponse<String> answer = TestPeople.browser(issuer).get(elsewhere.authorizationUrl() + "&prompt=none%20login");

        assertThat(answer.statusCode()).isEqualTo(400);
    }

    @Test
    void unknownPromptValuesAreIgnored() {
        Account person = TestPeople.account(accounts, "prompt.unknown", hasher.hash(PASSWORD));
        HttpAgent browser = TestPeople.browser(issuer);
        OidcClient.signIn(browser, OidcClient.web(), person.email().value(), PASSWORD);
        OidcClient.Request request = OidcClient.web();

        URI callback = URI.create(HttpAgent.location(browser.get(request.authorizationUrl() + "&prompt=foo%20%20bar")));

        assertThat(callback.toString()).startsWith(request.redirectUri);
        assertThat(OidcClient.param(callback, "code")).isNotNull();
    }

    // Discovery

    @Test
    void discoveryListsWhatIsSupported() {
        JsonNode metadata = OidcClient.json(new HttpAgent(issuer).get("/.well-known/openid-configuration"));

        assertThat(metadata.get("ui_locales_supported").toString()).isEqualTo("[\"sv\",\"en\"]");
        assertThat(metadata.get("prompt_values_supported").toString()).isEqualTo("[\"none\",\"login\"]");
        assertThat(metadata.get("claims_parameter_supported").asBoolean(true)).isFalse();
        assertThat(metadata.get("claims_supported").toString()).contains("\"auth_time\"");
    }

    private JsonNode signInAgain(HttpAgent browser, OidcClient.Request request, Account person) {
        HttpResponse<String> identify = browser.get("/signin");
        assertThat(identify.statusCode()).isEqualTo(200);
        assertThat(HttpAgent.location(browser.post("/signin", Map.of("email", person.email().value()))))
                .endsWith("/signin/password");
        return OidcClient.idTokenAfter(browser, issuer, request, SECRET,
                browser.post("/signin/password", Map.of("password", PASSWORD)));
    }

    /** The ID token of the code in {@code callback}, exchanged as the web client. */
    private JsonNode idToken(HttpAgent browser, OidcClient.Request request, URI callback) {
        HttpResponse<String> tokens = new HttpAgent(issuer).header("Authorization", OidcClient.basic(request.clientId, SECRET))
                .post("/oauth2/token", OidcClient.codeExchange(request, OidcClient.param(callback, "code")));
        assertThat(tokens.statusCode()).isEqualTo(200);
        return OidcClient.claims(OidcClient.json(tokens).get("id_token").asString());
    }

    private static String encoded(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** A page without what differs between two browsers: CSRF tokens and the like. */
    private static String withoutTokens(String page) {
        return page.replaceAll("name=\"_csrf\" value=\"[^\"]*\"", "").replaceAll("content=\"[^\"]*\"", "")
                .replaceAll("nonce=\"[^\"]*\"", "");
    }
}
