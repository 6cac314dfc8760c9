package se.portvakt.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static se.portvakt.recovery.RecoveryInBrowserTest.openMail;
import static se.portvakt.recovery.RecoveryInBrowserTest.waitForCaptcha;
import static se.portvakt.recovery.RecoveryInBrowserTest.waitForText;
import static se.portvakt.testing.Browser.button;
import static se.portvakt.testing.Browser.checkbox;
import static se.portvakt.testing.Browser.field;
import static se.portvakt.testing.Browser.link;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.openqa.selenium.By;
import org.springframework.beans.factory.annotation.Autowired;

import se.portvakt.account.AccountStore;
import se.portvakt.testing.Browser;
import se.portvakt.testing.Browser.Screen;
import se.portvakt.testing.OidcClient;
import se.portvakt.testing.OnH2;
import se.portvakt.testing.TestPeople;

/**
 * Every screen of journey step 3, and the mails, on a desktop and on a phone: saved under
 * {@code target/screenshots/} for a person to look at, and checked as the other screens are: nothing wider than
 * the screen, nothing to tap smaller than 24 by 24 CSS pixels.
 */
@OnH2
class RecoveryScreensInBrowserTest {

    private static final String GOOD_PASSWORD = "four unusual words here";

    @RegisterExtension
    static final Browser browser = Browser.perTestClass();

    @Autowired
    AccountStore accounts;

    @ParameterizedTest
    @EnumSource(Screen.class)
    void everyRecoveryScreenFitsAndIsSaved(Screen screen) {
        String email = TestPeople.account(accounts, "screens." + screen.name().toLowerCase(), null).email().value();
        browser.clearCookies();
        browser.resize(screen);

        browser.open(OidcClient.web().authorizationUrl());
        browser.waitForPath("/signin");
        browser.type(field("Email address"), email);
        browser.click(button("Next"));
        browser.waitForPath("/signin/password");
        browser.click(link("Forgot your password?"));
        browser.waitForPath("/signin/forgot");
        browser.checkScreen("recovery-forgot", screen);

        browser.click(checkbox("I'm not a robot"));
        waitForCaptcha(browser, "verified");
        browser.checkScreen("recovery-forgot-captcha-verified", screen);

        browser.type(field("Email address"), "not an address");
        browser.click(button("Reset password"));
        assertThat(browser.find(By.cssSelector("[role=alert]")).getText()).isNotBlank();
        assertThat(browser.find(field("Email address")).getDomAttribute("aria-describedby")).isEqualTo("form-error");
        browser.checkScreen("recovery-forgot-error", screen);

        browser.type(field("Email address"), email);
        browser.click(button("Reset password"));
        waitForText(browser, "Please check your email to set your new password.");
        browser.checkScreen("recovery-check-email", screen);

        openMail(browser, email, "Set your new password");
        String mailUrl = browser.find(By.cssSelector("a")).getDomAttribute("href");
        browser.driver().switchTo().defaultContent();
        browser.checkScreen("dev-outbox-message", screen);
        String framed = browser.find(By.cssSelector("iframe.mail")).getDomProperty("src");
        browser.open("/dev/outbox");
        browser.checkScreen("dev-outbox", screen);
        browser.open(framed);
        browser.find(link("Enter new password"));
        browser.checkScreen("mail-reset", screen);

        browser.open(mailUrl);
        browser.waitForPath("/recovery/reset");
        browser.checkScreen("recovery-reset", screen);
        browser.type(field("New password"), "short");
        browser.type(field("Confirm new password"), "other");
        browser.click(button("Change password"));
        String problems = browser.find(By.cssSelector("[role=alert]")).getDomAttribute("id");
        assertThat(browser.find(field("New password")).getDomAttribute("aria-describedby"))
                .as("the problems read with the field")
                .startsWith(problems + " ");
        browser.checkScreen("recovery-reset-errors", screen);

        // Opened on another device (no sign-in in progress there): the "password changed, sign in" page.
        browser.clearCookies();
        browser.open(mailUrl);
        browser.type(field("New password"), GOOD_PASSWORD);
        browser.type(field("Confirm new password"), GOOD_PASSWORD);
        browser.click(button("Change password"));
        waitForText(browser, "Your password was changed");
        browser.checkScreen("recovery-password-changed", screen);

        browser.open(mailUrl);
        waitForText(browser, "This link no longer works");
        browser.checkScreen("recovery-invalid-link", screen);

        openMail(browser, email, "Your password was changed");
        browser.driver().switchTo().defaultContent();
        browser.open(browser.find(By.cssSelector("iframe.mail")).getDomProperty("src"));
        browser.checkScreen("mail-password-changed", screen);

        browser.open("/signin/forgot?email=" + email);
        browser.click(button("One-time sign in link"));
        waitForText(browser, "Please check your email to set your new password.");
        openMail(browser, email, "Your sign-in link");
        String signInLink = browser.find(link("Sign in")).getDomAttribute("href");
        browser.driver().switchTo().defaultContent();
        browser.open(browser.find(By.cssSelector("iframe.mail")).getDomProperty("src"));
        browser.checkScreen("mail-signin-link", screen);
        browser.open(signInLink);
        browser.waitForPath("/recovery/link");
        browser.checkScreen("recovery-link", screen);
    }

}
