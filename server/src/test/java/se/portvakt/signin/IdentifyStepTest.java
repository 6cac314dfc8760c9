package se.portvakt.signin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.HttpCookie;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;

import se.portvakt.testing.HttpAgent;
import se.portvakt.testing.OnH2;
import se.portvakt.testing.OnPostgres;
import se.portvakt.testing.TestPeople;

/** Journey step 1, "Email first": a person types the email address and may ask this browser to remember it. */
abstract class IdentifyStepTest {

    @OnH2
    static class OnEmbeddedDatabase extends IdentifyStepTest {}

    @OnPostgres
    static class OnPostgreSql extends IdentifyStepTest {}

    /** The cookie of "Save my email address for next time"; a new name would forget every saved address. */
    static final String REMEMBERED_EMAIL = "PORTVAKT_EMAIL";

    @Value("${portvakt.issuer}")
    String issuer;

    @Test
    void thePageHasTheGuidesExactLabels() {
        HttpResponse<String> page = TestPeople.browser(issuer).get("/signin");

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body())
                .contains(">Email address</label>")
                .contains("name=\"email\"")
                .contains(">Next</button>")
                .contains("Save my email address for next time")
                .contains("Not recommended for public or shared computers")
                .contains("type=\"checkbox\" name=\"remember\"")
                .contains("name=\"_csrf\"");
        assertThat(page.body().indexOf("Email address")).isLessThan(page.body().indexOf("Save my email address"));
    }

    @Test
    void aWellFormedEmailMovesOnToThePasswordPage() {
        HttpAgent browser = TestPeople.browser(issuer);
        browser.get("/signin");

        HttpResponse<String> next = browser.post("/signin", Map.of("email", "Someone.Else@Example.com"));

        assertThat(next.statusCode()).isEqualTo(302);
        assertThat(HttpAgent.location(next)).endsWith("/signin/password");
        assertThat(browser.get("/signin/password").body()).contains("someone.else@example.com");
    }

    @Test
    void aMalformedEmailStaysOnTheFirstStepWithAClearMessageAndTheTypedValueKept() {
        HttpAgent browser = TestPeople.browser(issuer);
        browser.get("/signin");

        HttpResponse<String> page = browser.post("/signin", Map.of("email", "anna.company.com"));

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body())
                .contains("Enter your email address, for example name@company.com.")
                .contains("value=\"anna.company.com\"")
                .contains(">Next</button>");
        assertThat(browser.get("/signin/password").statusCode()).as("no password page yet").isEqualTo(302);
    }

    @Test
    void anEmptyEmailStaysOnTheFirstStepWithAClearMessage() {
        HttpAgent browser = TestPeople.browser(issuer);
        browser.get("/signin");

        HttpResponse<String> page = browser.post("/signin", Map.of());

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("Enter your email address, for example name@company.com.");
    }

    @Test
    void tickingSaveMyEmailSetsALongLivedCookieHoldingOnlyTheEmail() {
        HttpAgent browser = TestPeople.browser(issuer);
        browser.get("/signin");
        String email = TestPeople.uniqueEmail("remember.me");

        HttpResponse<String> next = browser.post("/signin", Map.of("email", email, "remember", "on"));

        String header = setCookie(next, REMEMBERED_EMAIL);
        HttpCookie cookie = HttpCookie.parse(header).get(0);
        assertThat(URLDecoder.decode(cookie.getValue(), StandardCharsets.UTF_8)).isEqualTo(email);
        assertThat(cookie.getMaxAge()).isGreaterThanOrEqualTo(180L * 24 * 3600);
        assertThat(cookie.getPath()).isEqualTo("/signin");
        assertThat(header).containsIgnoringCase("; HttpOnly").containsIgnoringCase("; SameSite=Lax");
        assertThat(header).as("http issuer: no Secure flag in dev").doesNotContainIgnoringCase("Secure");
    }

    @Test
    void theNextVisitHasTheRememberedEmailFilledInAndCanSwitchAccount() {
        String email = TestPeople.uniqueEmail("remembered");
        HttpAgent first = TestPeople.browser(issuer);
        first.get("/signin");
        first.post("/signin", Map.of("email", email, "remember", "on"));

        HttpAgent later = browserWithCookiesOf(first);
        HttpResponse<String> page = later.get("/signin");

        assertThat(page.body())
                .contains("value=\"" + email + "\"")
                .containsPattern("name=\"remember\"\\s+checked")
                .contains("href=\"/signin?another\"");

        HttpResponse<String> another = later.get("/signin?another");
        assertThat(another.body()).doesNotContain(email).contains("value=\"\"");
    }

    @Test
    void useAnotherAccountEmptiesTheFieldAlsoAfterGoingBackFromThePasswordPage() {
        String email = TestPeople.uniqueEmail("back.and.switch");
        HttpAgent browser = TestPeople.browser(issuer);
        browser.get("/signin");
        browser.post("/signin", Map.of("email", email, "remember", "on"));
        browser.get("/signin/password");

        HttpResponse<String> back = browser.get("/signin");
        assertThat(back.body()).contains("value=\"" + email + "\"");

        HttpResponse<String> another = browser.get("/signin?another");
        assertThat(another.body()).doesNotContain("value=\"" + email + "\"").contains("value=\"\"");
    }

    @Test
    void untickingSaveMyEmailForgetsIt() {
        String email = TestPeople.uniqueEmail("forget.me");
        HttpAgent browser = TestPeople.browser(issuer);
        browser.get("/signin");
        browser.post("/signin", Map.of("email", email, "remember", "on"));
        assertThat(browser.cookie(REMEMBERED_EMAIL)).isNotNull();

        browser.get("/signin");
        HttpResponse<String> next = browser.post("/signin", Map.of("email", email));

        HttpCookie cleared = HttpCookie.parse(setCookie(next, REMEMBERED_EMAIL)).get(0);
        assertThat(cleared.getValue()).isEmpty();
        assertThat(cleared.getMaxAge()).isZero();
        assertThat(browser.cookie(REMEMBERED_EMAIL)).isNull();
        assertThat(TestPeople.browser(issuer).get("/signin").body()).doesNotContain(email);
    }

    @Test
    void aTamperedRememberCookieIsIgnored() {
        HttpAgent browser = TestPeople.browser(issuer);
        browser.cookies().getCookieStore().add(URI.create(issuer + "/signin"), cookie(REMEMBERED_EMAIL, "%ZZ<script>"));

        HttpResponse<String> page = browser.get("/signin");

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).doesNotContain("<script>").contains("value=\"\"");
    }

    private HttpAgent browserWithCookiesOf(HttpAgent other) {
        HttpAgent browser = TestPeople.browser(issuer);
        for (HttpCookie c : other.cookies().getCookieStore().getCookies()) {
            if (c.getName().equals(REMEMBERED_EMAIL)) {
                browser.cookies().getCookieStore().add(URI.create(issuer + "/signin"), c);
            }
        }
        return browser;
    }

    private static HttpCookie cookie(String name, String value) {
        HttpCookie cookie = new HttpCookie(name, value);
        cookie.setPath("/signin");
        cookie.setVersion(0);
        return cookie;
    }

    static String setCookie(HttpResponse<?> response, String name) {
        List<String> headers = response.headers().allValues("Set-Cookie");
        return headers.stream().filter(h -> h.startsWith(name + "=")).findFirst()
                .orElseThrow(() -> new AssertionError("no Set-Cookie for " + name + " in " + headers));
    }
}
