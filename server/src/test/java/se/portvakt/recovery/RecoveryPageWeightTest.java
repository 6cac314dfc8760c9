package se.portvakt.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static se.portvakt.testing.Browser.checkbox;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import se.portvakt.testing.Browser;
import se.portvakt.testing.OnH2;
import se.portvakt.testing.PageWeight;

/**
 * The recovery screen is as light as the first sign-in screen, CAPTCHA included: a cold browser fetches at most
 * 6 requests and 150 KB for "Forgot your password?", and ticking "I'm not a robot" costs one small request more
 * (the challenge; the solving is the browser's own Web Crypto). No third party, no framework.
 */
@OnH2
class RecoveryPageWeightTest {

    private static final int MAX_REQUESTS = 6;
    private static final long MAX_BYTES = 150 * 1024;
    private static final long MAX_CHALLENGE_BYTES = 2 * 1024;

    @RegisterExtension
    static final Browser browser = Browser.perTestClass();

    @Test
    void theRecoveryScreenFitsTheBudgetInAColdBrowser() throws InterruptedException {
        PageWeight.reset(browser);
        browser.open("/signin/forgot");
        browser.waitForPath("/signin/forgot");

        PageWeight page = PageWeight.of(browser);
        page.print("the recovery screen, cold browser", MAX_REQUESTS, MAX_BYTES);
        assertThat(page.pending()).as("requests still open after 10 s").isEmpty();
        assertThat(page.requests()).as("requests: %s", page.requests()).hasSizeLessThanOrEqualTo(MAX_REQUESTS);
        assertThat(page.bytes()).as("bytes transferred").isLessThanOrEqualTo(MAX_BYTES);
        assertThat(page.requests()).allMatch(url -> url.startsWith(browser.currentUrl().replaceFirst("/signin/forgot.*", "")),
                "only from Portvakt itself");

        browser.click(checkbox("I'm not a robot"));
        RecoveryInBrowserTest.waitForCaptcha(browser, "verified");
        PageWeight solving = PageWeight.of(browser);
        solving.print("solving the CAPTCHA", 1, MAX_CHALLENGE_BYTES);
        assertThat(solving.requests()).singleElement().asString().contains("/captcha/challenge");
        assertThat(solving.bytes()).isLessThanOrEqualTo(MAX_CHALLENGE_BYTES);
    }
}
