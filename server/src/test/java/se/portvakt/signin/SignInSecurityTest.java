package se.portvakt.signin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;

import se.portvakt.account.Account;
import se.portvakt.account.AccountStore;
import se.portvakt.password.PasswordHasher;
import se.portvakt.testing.HttpAgent;
import se.portvakt.testing.OidcClient;
import se.portvakt.testing.OnH2;
import se.portvakt.testing.OnPostgres;
import se.portvakt.testing.TestPeople;

/** The security rules of DESIGN.md, as someone probing the sign-in pages meets them. */
abstract class SignInSecurityTest {

    @OnH2
    static class OnEmbeddedDatabase extends SignInSecurityTest {}

    @OnPostgres
    static class OnPostgreSql extends SignInSecurityTest {}

    static final String SESSION = "PORTVAKT_SESSION";

    @Value("${portvakt.issuer}")
    String issuer;

    @Autowired
    AccountStore accounts;

    @Autowired
    PasswordHasher hasher;

    @Test
    void aFormPostedWithoutItsCsrfTokenIsRefusedWithACalmPage() {
        HttpAgent browser = TestPeople.browser(issuer);
        browser.get("/signin");

        HttpResponse<String> refused = browser.postRaw("/signin", "application/x-www-form-urlencoded",
                "email=anna%40company.com".getBytes(StandardCharsets.US_ASCII));

        assertThat(refused.statusCode()).isEqualTo(403);
        assertCalmErrorPage(refused);
        assertSecurityHeaders(refused);
    }

    @Test
    void aFormPostedWithAForgedCsrfTokenIsRefused() {
        HttpAgent browser = TestPeople.browser(issuer);
        browser.get("/signin");

        HttpResponse<String> refused = browser.post("/signin", Map.of("_csrf", "forged", "email", "anna@company.com"));

        assertThat(refused.statusCode()).isEqualTo(403);
        assertCalmErrorPage(refused);
    }

    @Test
    void thePasswordFormWithoutCsrfTokenIsRefused() {
        HttpAgent browser = TestPeople.browser(issuer);
        browser.get("/signin");
        browser.post("/signin", Map.of("email", TestPeople.uniqueEmail("csrf")));

        HttpResponse<String> refused = browser.postRaw("/signin/password", "application/x-www-form-urlencoded",
                "password=x".getBytes(StandardCharsets.US_ASCII));

        assertThat(refused.statusCode()).isEqualTo(403);
        assertCalmErrorPage(refused);
    }

    @Test
    void aBrowserHasNoSessionUntilItsPasswordHasPassed() {
        Account person = TestPeople.account(accounts, "fixation", hasher.hash("a long enough password"));
        HttpAgent browser = TestPeople.browser(issuer);
        browser.get(HttpAgent.location(browser.get(OidcClient.web().authorizationUrl())));
        browser.post("/signin", Map.of("email", person.email().value()));
        HttpResponse<String> wrong = browser.post("/signin/password", Map.of("password", "not the password at all"));
        assertThat(wrong.statusCode()).isEqualTo(200);
        assertThat(browser.cookie(SESSION)).as("decision 0065: nothing stored before the password").isNull();

        HttpResponse<String> done = browser.post("/signin/password", Map.of("password", "a long enough password"));

        assertThat(done.statusCode()).isEqualTo(302);
        assertThat(browser.cookie(SESSION)).isNotNull();
        assertThat(IdentifyStepTest.setCookie(done, SESSION)).containsIgnoringCase("HttpOnly").containsIgnoringCase("SameSite=Lax");
        // The sealed flow and the CSRF token of the pages before are over: the session holds what follows.
        assertThat(browser.cookie("PORTVAKT_SIGNIN")).isNull();
        assertThat(browser.cookie("PORTVAKT_CSRF")).isNull();
    }

    @Test
    void aSessionIdPlantedBeforeSignInIsWorthNothingAfterIt() {
        Account person = TestPeople.account(accounts, "planted", hasher.hash("a long enough password"));
        // The sign-in makes no session before the password (decision 0065); My account's page saves itself in one.
        HttpAgent attacker = TestPeople.browser(issuer);
        attacker.get("/account");
        String planted = attacker.cookie(SESSION);
        assertThat(planted).isNotNull();
        HttpAgent victim = TestPeople.browser(issuer);
        victim.cookies().getCookieStore().add(java.net.URI.create(issuer + "/"), sessionCookie(planted));
        victim.get("/signin");
        victim.post("/signin", Map.of("email", person.email().value()));
        victim.get("/signin/password");
        victim.post("/signin/password", Map.of("password", "a long enough password"));
        assertThat(victim.get("/").body()).contains("Signed in as");

        assertThat(attacker.get("/").body()).doesNotContain("Signed in as");
    }

    @Test
    void theCsrfTokenIsRenewedAtSignIn() {
        Account person = TestPeople.account(accounts, "csrf.renewed", hasher.hash("a long enough password"));
        HttpAgent browser = TestPeople.browser(issuer);
        browser.get("/signin");
        browser.post("/signin", Map.of("email", person.email().value()));
        browser.get("/signin/password");
        String beforeSignIn = browser.csrf();
        browser.post("/signin/password", Map.of("password", "a long enough password"));

        HttpResponse<String> withOldToken = browser.post("/signout", Map.of("_csrf", beforeSignIn));
        assertThat(withOldToken.statusCode()).isEqualTo(403);

        assertThat(browser.get("/").body()).contains("Signed in as");
        HttpResponse<String> withNewToken = browser.post("/signout", Map.of());
        assertThat(withNewToken.statusCode()).isEqualTo(302);
        assertThat(HttpAgent.location(withNewToken)).endsWith("/signed-out");
    }

    @Test
    void sessionAndRememberCookiesAreHttpOnlyAndSameSiteLax() {
        HttpAgent browser = TestPeople.browser(issuer);
        HttpResponse<String> first = browser.get(HttpAgent.location(browser.get(OidcClient.web().authorizationUrl())));
        // Before the password: the flow sealed in a cookie, and the CSRF token in another (decision 0065).
        for (String cookie : List.of("PORTVAKT_SIGNIN", "PORTVAKT_CSRF")) {
            assertThat(IdentifyStepTest.setCookie(first, cookie)).as(cookie)
                    .containsIgnoringCase("; HttpOnly").containsIgnoringCase("SameSite=Lax").contains("Path=/");
        }

        HttpResponse<String> next = browser.post("/signin", Map.of("email", TestPeople.uniqueEmail("flags"), "remember", "on"));
        assertThat(IdentifyStepTest.setCookie(next, IdentifyStepTest.REMEMBERED_EMAIL))
                .containsIgnoringCase("; HttpOnly").containsIgnoringCase("SameSite=Lax");
    }

    @Test
    void everyPageCarriesTheSecurityHeaders() {
        HttpAgent browser = TestPeople.browser(issuer);
        assertSecurityHeaders(browser.get("/signin"));
        browser.post("/signin", Map.of("email", TestPeople.uniqueEmail("headers")));
        assertSecurityHeaders(browser.get("/signin/password"));
        assertSecurityHeaders(browser.get("/signin/forgot"));
        assertSecurityHeaders(browser.get("/signin/xyz"));
        assertSecurityHeaders(browser.get("/no/such/page"));
        assertSecurityHeaders(browser.get("/"));
        assertSecurityHeaders(browser.get("/.well-known/openid-configuration"));
        assertSecurityHeaders(browser.get("/oauth2/jwks"));
        assertSecurityHeaders(browser.get("/actuator/health"));
        assertSecurityHeaders(browser.get("/oauth2/authorize?client_id=nobody&response_type=code"));
    }

    @Test
    void anUnknownSignInPageIsACalm404() {
        HttpResponse<String> page = TestPeople.browser(issuer).get("/signin/xyz");

        assertThat(page.statusCode()).isEqualTo(404);
        assertThat(page.body()).contains("This page does not exist");
        assertCalmErrorPage(page);
    }

    @Test
    void anUnknownSignInPagePostedToIsA404NotA500() {
        HttpAgent browser = TestPeople.browser(issuer);
        browser.get("/signin");
        HttpResponse<String> page = browser.post("/signin/xyz", Map.of("password", "x"));

        assertThat(page.statusCode()).isEqualTo(404);
        assertCalmErrorPage(page);
    }

    @Test
    void aHugeEmailIsAClearMessageNotAnError() {
        HttpAgent browser = TestPeople.browser(issuer);
        browser.get("/signin");

        HttpResponse<String> page = browser.post("/signin", Map.of("email", "a".repeat(10_000) + "@company.com"));

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("Enter your email address, for example name@company.com.");
    }

    @Test
    void aMissingPasswordIsAnOrdinaryFailure() {
        HttpAgent browser = TestPeople.browser(issuer);
        browser.get("/signin");
        browser.post("/signin", Map.of("email", TestPeople.uniqueEmail("no.field")));
        browser.get("/signin/password");

        HttpResponse<String> page = browser.post("/signin/password", Map.of());

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains(PasswordStepTest.GENERIC_FAILURE);
    }

    @Test
    void aHugePasswordIsAnOrdinaryFailure() {
        HttpAgent browser = TestPeople.browser(issuer);
        browser.get("/signin");
        browser.post("/signin", Map.of("email", TestPeople.uniqueEmail("huge.password")));
        browser.get("/signin/password");

        HttpResponse<String> page = browser.post("/signin/password", Map.of("password", "p".repeat(100_000)));

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains(PasswordStepTest.GENERIC_FAILURE);
    }

    @Test
    void bytesThatAreNotUtf8NeverGiveA500() {
        HttpAgent browser = TestPeople.browser(issuer);
        browser.get("/signin");
        String csrf = "_csrf=" + java.net.URLEncoder.encode(browser.csrf(), StandardCharsets.UTF_8);

        HttpResponse<String> percentEncoded = browser.postRaw("/signin", "application/x-www-form-urlencoded",
                (csrf + "&email=%FF%FEanna%40company.com").getBytes(StandardCharsets.US_ASCII));
        assertThat(percentEncoded.statusCode()).isBetween(200, 499);
        assertThat(percentEncoded.body()).doesNotContain("Exception");

        browser.get("/signin");
        csrf = "_csrf=" + java.net.URLEncoder.encode(browser.csrf(), StandardCharsets.UTF_8);
        byte[] raw = concat((csrf + "&email=").getBytes(StandardCharsets.US_ASCII), new byte[] {(byte) 0xC3, (byte) 0x28,
                (byte) 0xFF}, "%40company.com".getBytes(StandardCharsets.US_ASCII));
        HttpResponse<String> rawBytes = browser.postRaw("/signin", "application/x-www-form-urlencoded; charset=UTF-8", raw);
        assertThat(rawBytes.statusCode()).isBetween(200, 499);
        assertThat(rawBytes.body()).doesNotContain("Exception");

        HttpResponse<String> query = browser.get("/signin?another=%FF%FE");
        assertThat(query.statusCode()).isBetween(200, 499);
    }

    @Test
    void aGarbledFormBodyNeverGivesA500() {
        HttpAgent browser = TestPeople.browser(issuer);
        browser.get("/signin");
        String csrf = "_csrf=" + java.net.URLEncoder.encode(browser.csrf(), StandardCharsets.UTF_8);

        for (String body : new String[] {csrf + "&email", csrf + "&=&&==&email=%", csrf + "&email=%G1%zz", csrf + "&remember=on"}) {
            HttpResponse<String> page = browser.postRaw("/signin", "application/x-www-form-urlencoded",
                    body.getBytes(StandardCharsets.US_ASCII));
            assertThat(page.statusCode()).as(body).isBetween(200, 499);
            browser.get("/signin");
            csrf = "_csrf=" + java.net.URLEncoder.encode(browser.csrf(), StandardCharsets.UTF_8);
        }
        HttpResponse<String> json = browser.postRaw("/signin", "application/json", "{\"email\":1}".getBytes(StandardCharsets.UTF_8));
        assertThat(json.statusCode()).isBetween(200, 499);
    }

    @Test
    void theSignInJourneyWorksWithTheAuthorizationRequestOfANativeApp() {
        Account person = TestPeople.account(accounts, "native", hasher.hash("a long enough password"));
        OidcClient.Request request = OidcClient.nativeApp();

        var callback = OidcClient.signIn(TestPeople.browser(issuer), request, person.email().value(), "a long enough password");

        assertThat(OidcClient.param(callback, "code")).isNotBlank();
    }

    static void assertSecurityHeaders(HttpResponse<?> response) {
        String where = response.request().method() + " " + response.uri() + " (" + response.statusCode() + ")";
        assertThat(response.headers().firstValue("Content-Security-Policy")).as(where).hasValueSatisfying(csp -> assertThat(csp)
                .contains("frame-ancestors 'none'").contains("default-src 'none'"));
        assertThat(response.headers().firstValue("X-Frame-Options")).as(where).contains("DENY");
        assertThat(response.headers().firstValue("X-Content-Type-Options")).as(where).contains("nosniff");
    }

    static void assertCalmErrorPage(HttpResponse<String> page) {
        assertThat(page.body())
                .contains("reference")
                .doesNotContain("Exception")
                .doesNotContain("at se.portvakt")
                .doesNotContain("at org.springframework")
                .doesNotContain("Whitelabel");
    }

    static java.net.HttpCookie sessionCookie(String value) {
        java.net.HttpCookie cookie = new java.net.HttpCookie(SESSION, value);
        cookie.setPath("/");
        cookie.setVersion(0);
        return cookie;
    }

    private static byte[] concat(byte[]... parts) {
        var out = new java.io.ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    static Map<String, String> form(String... pairs) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], pairs[i + 1]);
        }
        return map;
    }
}
