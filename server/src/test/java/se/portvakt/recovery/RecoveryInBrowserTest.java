package se.portvakt.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static se.portvakt.testing.Browser.button;
import static se.portvakt.testing.Browser.checkbox;
import static se.portvakt.testing.Browser.field;
import static se.portvakt.testing.Browser.link;

import java.net.URI;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;

import se.portvakt.account.AccountStore;
import se.portvakt.testing.Browser;
import se.portvakt.testing.OidcClient;
import se.portvakt.testing.OnH2;
import se.portvakt.testing.TestPeople;

/**
 * Journey step 3 in a real browser, as the user guide tells it: a person moved over from the old login system,
 * with a verified email and no password yet, signs in for the first time through "Forgot your password?". The
 * CAPTCHA is solved by the page's own script, and the mail is opened in the development outbox.
 */
@OnH2
class RecoveryInBrowserTest {

    /** The guide's first-login person: in the test bootstrap with a verified email and no password. */
    private static final String FIRST_LOGIN = "first.login@example.com";
    private static final By CAPTCHA = By.cssSelector(".captcha");

    @RegisterExtension
    static final Browser browser = Browser.perTestClass();

    @Autowired
    AccountStore accounts;

    @Test
    void aPersonWithoutAPasswordSetsOneThroughForgotYourPasswordAndArrivesAtTheApplication() {
        OidcClient.Request fromTheApp = OidcClient.web();
        browser.open(fromTheApp.authorizationUrl());

        // 1. Email first, 2. the password screen, where this person has no password to give.
        browser.waitForPath("/signin");
        browser.type(field("Email address"), FIRST_LOGIN);
        browser.click(button("Next"));
        browser.waitForPath("/signin/password");
        browser.click(link("Forgot your password?"));

        // 3. Forgot your password: the guide's texts, the address filled in.
        browser.waitForPath("/signin/forgot");
        assertThat(browser.text()).contains(
                "Enter your email address and click a button below to receive an email with your option.",
                "I'm not a robot", "Reset password", "One-time sign in link", "Back to Sign in");
        assertThat(browser.find(field("Email address")).getDomProperty("value")).isEqualTo(FIRST_LOGIN);
        browser.click(checkbox("I'm not a robot"));
        waitForCaptcha(browser, "verified");
        browser.click(button("Reset password"));

        assertThat(waitForText(browser, "Please check your email to set your new password.")).contains(
                "If you have not received the email within a few minutes you have either input an email address "
                        + "that does not match the records we have for your account or the email might be caught in "
                        + "your spam filter.");

        // The mail, opened in the development outbox: its green button.
        openMail(browser, FIRST_LOGIN, "Set your new password");
        assertThat(browser.find(link("Enter new password")).getCssValue("background-color")).isEqualTo("rgba(21, 128, 61, 1)");
        followLinkInMail(browser, link("Enter new password"));

        browser.waitForPath("/recovery/reset");
        browser.type(field("New password"), "my first own passphrase");
        browser.type(field("Confirm new password"), "my first own passphrase");
        browser.click(button("Change password"));

        // Then the 2FA prompt, as after any first sign-in; later, and back at the application that asked, with a
        // code and the state it sent.
        browser.waitForPath("/signin/two-factor");
        browser.click(button("Remind me later"));
        URI arrival = URI.create(browser.waitForUrlStartingWith(fromTheApp.redirectUri + "?"));
        assertThat(OidcClient.param(arrival, "code")).isNotBlank();
        assertThat(OidcClient.param(arrival, "state")).isEqualTo(fromTheApp.state);
    }

    @Test
    void aOneTimeSignInLinkSignsThePersonInFromTheMail() {
        String email = TestPeople.account(accounts, "browser.link", null).email().value();
        OidcClient.Request fromTheApp = OidcClient.web();
        browser.open(fromTheApp.authorizationUrl());
        browser.waitForPath("/signin");
        browser.type(field("Email address"), email);
        browser.click(button("Next"));
        browser.waitForPath("/signin/password");
        browser.click(link("Forgot your password?"));
        browser.waitForPath("/signin/forgot");

        // Pressing the button first: the page solves the CAPTCHA, then sends what was pressed.
        browser.click(button("One-time sign in link"));
        waitForText(browser, "Please check your email to set your new password.");

        openMail(browser, email, "Your sign-in link");
        followLinkInMail(browser, link("Sign in"));
        browser.waitForPath("/recovery/link");
        assertThat(browser.text()).contains("Sign in as " + email + ". The link works once.");
        browser.click(button("Sign in"));

        URI arrival = URI.create(browser.waitForUrlStartingWith(fromTheApp.redirectUri + "?"));
        assertThat(OidcClient.param(arrival, "code")).isNotBlank();
        assertThat(OidcClient.param(arrival, "state")).isEqualTo(fromTheApp.state);
    }

    /**
     * Opens the newest mail with this subject to this address in the outbox (it is sent off the request path), and
     * looks into the frame that shows it.
     */
    static void openMail(Browser browser, String to, String subject) {
        By show = By.xpath("//article[.//strong[normalize-space()='" + to + "'] and h2[normalize-space()='" + subject
                + "']][1]//a[normalize-space()='Show as HTML']");
        new WebDriverWait(browser.driver(), Duration.ofSeconds(10)).until(d -> {
            browser.open("/dev/outbox");
            return !d.findElements(show).isEmpty();
        });
        browser.click(show);
        browser.waitForPath("/dev/outbox/");
        browser.driver().switchTo().frame(browser.find(By.cssSelector("iframe.mail")));
        new WebDriverWait(browser.driver(), Duration.ofSeconds(10)).ignoring(WebDriverException.class).until(d ->
                Boolean.TRUE.equals(browser.driver().executeScript("return document.readyState === 'complete' && document.body.innerText.includes('Portvakt')")));
    }

    /** Clicks a link in the open mail; it opens in the whole window, as from a mail client. */
    static void followLinkInMail(Browser browser, By link) {
        browser.click(link);
        browser.driver().switchTo().defaultContent();
    }

    static String waitForText(Browser browser, String text) {
        new WebDriverWait(browser.driver(), Duration.ofSeconds(20)).until(d -> browser.text().contains(text));
        return browser.text();
    }

    static void waitForCaptcha(Browser browser, String state) {
        new WebDriverWait(browser.driver(), Duration.ofSeconds(20))
                .until(d -> state.equals(d.findElement(CAPTCHA).getAttribute("data-state")));
    }
}
