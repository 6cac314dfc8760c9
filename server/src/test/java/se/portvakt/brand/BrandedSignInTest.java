package se.portvakt.brand;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

/**
 * An application's own look (the bootstrap file's test-branded client): its sign-in screens show its logo, "Sign in
 * to Brandt Payroll" and its accent colour, served by Portvakt under content hashes with a year's cache; an
 * application without one keeps Portvakt's look.
 */
abstract class BrandedSignInTest {

    @OnH2
    static class OnEmbeddedDatabase extends BrandedSignInTest {}

    @OnPostgres
    static class OnPostgreSql extends BrandedSignInTest {}

    private static final Pattern LOGO = Pattern.compile("<img src=\"(/brand/test-branded/[0-9a-f]{16}\\.svg)\"");
    private static final Pattern STYLESHEET =
            Pattern.compile("<link rel=\"stylesheet\" href=\"(/brand/test-branded/[0-9a-f]{16}\\.css)\">");

    @Value("${portvakt.issuer}")
    String issuer;

    @Autowired
    AccountStore accounts;

    @Autowired
    PasswordHasher hasher;

    static OidcClient.Request branded() {
        return new OidcClient.Request("test-branded", "http://localhost:8081/branded/callback", "openid email");
    }

    @Test
    void theIdentifyAndPasswordPagesOfABrandedApplicationShowItsLogoNameAndColour() {
        HttpAgent browser = TestPeople.browser(issuer);
        HttpResponse<String> identify = browser.follow(browser.get(branded().authorizationUrl()));

        assertThat(identify.statusCode()).isEqualTo(200);
        assertThat(identify.body()).contains("Sign in to Brandt Payroll").doesNotContain(">Portvakt</span>");
        assertThat(LOGO.matcher(identify.body()).find()).as("the logo under its hash").isTrue();
        assertThat(STYLESHEET.matcher(identify.body()).find()).as("the accent stylesheet under its hash").isTrue();
        assertThat(identify.body().indexOf("Sign in to Brandt Payroll")).isLessThan(identify.body().indexOf("<form"));

        browser.post("/signin", Map.of("email", "someone.branded@example.com"));
        HttpResponse<String> password = browser.get("/signin/password");
        assertThat(password.body()).contains("Sign in to Brandt Payroll", "someone.branded@example.com");
        assertThat(LOGO.matcher(password.body()).find()).isTrue();
        assertThat(STYLESHEET.matcher(password.body()).find()).isTrue();

        HttpResponse<String> forgot = browser.get("/signin/forgot");
        assertThat(forgot.body()).as("a recovery page of the same sign-in").contains("Sign in to Brandt Payroll");
    }

    @Test
    void theTwoFactorPromptOfTheSameSignInIsBrandedToo() {
        Account person = TestPeople.newcomer(accounts, "branded.2fa", hasher.hash("branded password one"));
        HttpAgent browser = TestPeople.browser(issuer);
        browser.follow(browser.get(branded().authorizationUrl()));
        browser.post("/signin", Map.of("email", person.email().value()));
        browser.get("/signin/password");

        HttpResponse<String> prompt = browser.follow(browser.post("/signin/password",
                Map.of("password", "branded password one")));

        assertThat(prompt.uri().getPath()).isEqualTo("/signin/two-factor");
        assertThat(prompt.body()).contains("Sign in to Brandt Payroll");
        assertThat(LOGO.matcher(prompt.body()).find()).isTrue();
        assertThat(STYLESHEET.matcher(prompt.body()).find()).isTrue();
    }

    @Test
    void inSwedishTheApplicationIsNamedInSwedish() {
        HttpAgent browser = TestPeople.browser(issuer).header("Accept-Language", "sv");
        HttpResponse<String> identify = browser.follow(browser.get(branded().authorizationUrl()));

        assertThat(identify.body()).contains("Logga in på Brandt Payroll");
    }

    @Test
    void anApplicationWithoutALookShowsPortvakts() {
        HttpAgent browser = TestPeople.browser(issuer);
        HttpResponse<String> identify = browser.follow(browser.get(OidcClient.web().authorizationUrl()));

        assertThat(identify.statusCode()).isEqualTo(200);
        assertThat(identify.body()).contains(">Portvakt</span>").doesNotContain("/brand/", "Sign in to ");
    }

    @Test
    void theLogoIsServedUnderItsHashForAYearWithAPolicyThatForbidsScript() throws IOException {
        HttpAgent browser = TestPeople.browser(issuer);
        String page = browser.follow(browser.get(branded().authorizationUrl())).body();
        Matcher logo = LOGO.matcher(page);
        assertThat(logo.find()).isTrue();

        HttpResponse<String> served = TestPeople.browser(issuer).get(logo.group(1));

        assertThat(served.statusCode()).isEqualTo(200);
        assertThat(served.body()).isEqualTo(testLogo());
        assertThat(served.headers().firstValue("Content-Type")).hasValue("image/svg+xml");
        assertThat(served.headers().firstValue("Cache-Control")).hasValue("max-age=31536000, public, immutable");
        String policy = served.headers().firstValue("Content-Security-Policy").orElseThrow();
        assertThat(policy).contains("default-src 'none'", "sandbox").doesNotContain("script-src");
        assertThat(served.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(served.headers().firstValue("Set-Cookie")).isEmpty();
    }

    @Test
    void theStylesheetCarriesTheAccentColourUnderItsHash() {
        HttpAgent browser = TestPeople.browser(issuer);
        String page = browser.follow(browser.get(branded().authorizationUrl())).body();
        Matcher stylesheet = STYLESHEET.matcher(page);
        assertThat(stylesheet.find()).isTrue();

        HttpResponse<String> served = TestPeople.browser(issuer).get(stylesheet.group(1));

        assertThat(served.statusCode()).isEqualTo(200);
        assertThat(served.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/css");
        assertThat(served.headers().firstValue("Cache-Control")).hasValue("max-age=31536000, public, immutable");
        assertThat(served.body()).contains("--accent:#7c2d12", ".primary");
    }

    @Test
    void anOldOrMadeUpHashAndAnUnknownClientAreNotFound() {
        HttpAgent browser = TestPeople.browser(issuer);

        assertThat(browser.get("/brand/test-branded/0000000000000000.svg").statusCode()).isEqualTo(404);
        assertThat(browser.get("/brand/test-branded/..%2F..%2Fapplication.yml").statusCode()).isIn(400, 404);
        assertThat(browser.get("/brand/test-web/0000000000000000.svg").statusCode()).isEqualTo(404);
        assertThat(browser.get("/brand/no-such-client/0000000000000000.css").statusCode()).isEqualTo(404);
    }

    private static String testLogo() throws IOException {
        try (InputStream in = BrandedSignInTest.class.getResourceAsStream("/bootstrap/test-brand.svg")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
