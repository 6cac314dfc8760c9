package se.portvakt.signin;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import se.portvakt.testing.Browser;
import se.portvakt.testing.OidcClient;
import se.portvakt.testing.OnH2;
import se.portvakt.testing.PageWeight;

/**
 * The first sign-in screen is light: what a cold browser (fresh profile, empty cache) fetches from the
 * application's authorization request until the email screen has finished loading, counted by Chrome's
 * DevTools network events. The budget is the issue's: at most 6 requests and 150 KB transferred (Keycloak's
 * first screen costs 11 requests and 1,970 KB). A size budget, not a timing.
 */
@OnH2
class SignInPageWeightTest {

    private static final int MAX_REQUESTS = 6;
    private static final long MAX_BYTES = 150 * 1024;

    @RegisterExtension
    static final Browser browser = Browser.perTestClass();

    @Test
    void theFirstSignInScreenFitsTheBudgetInAColdBrowser() throws InterruptedException {
        browser.coldAgain();
        PageWeight.reset(browser); // whatever the empty start page did
        browser.open(OidcClient.web().authorizationUrl());
        browser.waitForPath("/signin");

        PageWeight weight = PageWeight.of(browser);
        weight.print("the first sign-in screen, cold browser from the authorization request", MAX_REQUESTS, MAX_BYTES);

        assertThat(weight.pending()).as("requests still open after 10 s").isEmpty();
        assertThat(weight.requests()).as("requests: %s", weight.requests()).hasSizeLessThanOrEqualTo(MAX_REQUESTS);
        assertThat(weight.bytes()).as("bytes transferred").isLessThanOrEqualTo(MAX_BYTES);
        assertThat(weight.requests().get(0)).contains("/oauth2/authorize");
        assertThat(weight.requests()).anyMatch(url -> url.contains("/css/portvakt.css"));
    }

    /**
     * An application with its own look (the test-branded client: a logo of nearly the 20 KB allowed, and an accent
     * colour in its own stylesheet) costs two requests more and still fits.
     */
    @Test
    void aBrandedFirstScreenWithTheLargestLogoAllowedFitsTheBudgetToo() throws InterruptedException {
        browser.coldAgain();
        PageWeight.reset(browser);
        browser.open(new OidcClient.Request("test-branded", "http://localhost:8081/branded/callback", "openid email")
                .authorizationUrl());
        browser.waitForPath("/signin");
        browser.waitForText("Sign in to Brandt Payroll");

        PageWeight weight = PageWeight.of(browser);
        weight.print("the first sign-in screen of a branded application, cold browser", MAX_REQUESTS, MAX_BYTES);

        assertThat(weight.pending()).as("requests still open after 10 s").isEmpty();
        assertThat(weight.requests()).as("requests: %s", weight.requests()).hasSizeLessThanOrEqualTo(MAX_REQUESTS);
        assertThat(weight.bytes()).as("bytes transferred").isLessThanOrEqualTo(MAX_BYTES);
        assertThat(weight.requests()).anyMatch(url -> url.matches(".*/brand/test-branded/[0-9a-f]{16}\\.svg"));
        assertThat(weight.requests()).anyMatch(url -> url.matches(".*/brand/test-branded/[0-9a-f]{16}\\.css"));
    }
}
