package se.portvakt.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static se.portvakt.recovery.RecoveryInBrowserTest.openMail;
import static se.portvakt.recovery.RecoveryInBrowserTest.waitForCaptcha;
import static se.portvakt.recovery.RecoveryInBrowserTest.waitForText;
import static se.portvakt.testing.Browser.button;
import static se.portvakt.testing.Browser.checkbox;
import static se.portvakt.testing.Browser.field;
import static se.portvakt.testing.Browser.link;

import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.openqa.selenium.By;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;

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

    static Browser browser;

    @Autowired
    AccountStore accounts;

    @BeforeAll
    static void startBrowser(@Value("${portvakt.issuer}") String issuer) {
        browser = Browser.start(issuer);
    }

    @AfterAll
    static void closeBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

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
        check("recovery-forgot", screen);

        browser.click(checkbox("I'm not a robot"));
        waitForCaptcha(browser, "verified");
        check("recovery-forgot-captcha-verified", screen);

        browser.type(field("Email address"), "not an address");
        browser.click(button("Reset password"));
        assertThat(browser.find(By.cssSelector("[role=alert]")).getText()).isNotBlank();
        check("recovery-forgot-error", screen);

        browser.type(field("Email address"), email);
        browser.click(button("Reset password"));
        waitForText(browser, "Please check your email to set your new password.");
        check("recovery-check-email", screen);

        openMail(browser, email, "Set your new password");
        String mailUrl = browser.find(By.cssSelector("a")).getDomAttribute("href");
        browser.driver().switchTo().defaultContent();
        check("dev-outbox-message", screen);
        String framed = browser.find(By.cssSelector("iframe.mail")).getDomProperty("src");
        browser.open("/dev/outbox");
        check("dev-outbox", screen);
        browser.open(framed);
        browser.find(link("Enter new password"));
        check("mail-reset", screen);

        browser.open(mailUrl);
        browser.waitForPath("/recovery/reset");
        check("recovery-reset", screen);
        browser.type(field("New password"), "short");
        browser.type(field("Confirm new password"), "other");
        browser.click(button("Change password"));
        browser.find(By.cssSelector("[role=alert]"));
        check("recovery-reset-errors", screen);

        // Opened on another device (no sign-in in progress there): the "password changed, sign in" page.
        browser.clearCookies();
        browser.open(mailUrl);
        browser.type(field("New password"), GOOD_PASSWORD);
        browser.type(field("Confirm new password"), GOOD_PASSWORD);
        browser.click(button("Change password"));
        waitForText(browser, "Your password was changed");
        check("recovery-password-changed", screen);

        browser.open(mailUrl);
        waitForText(browser, "This link no longer works");
        check("recovery-invalid-link", screen);

        openMail(browser, email, "Your password was changed");
        browser.driver().switchTo().defaultContent();
        browser.open(browser.find(By.cssSelector("iframe.mail")).getDomProperty("src"));
        check("mail-password-changed", screen);

        browser.open("/signin/forgot?email=" + email);
        browser.click(button("One-time sign in link"));
        waitForText(browser, "Please check your email to set your new password.");
        openMail(browser, email, "Your sign-in link");
        String signInLink = browser.find(link("Sign in")).getDomAttribute("href");
        browser.driver().switchTo().defaultContent();
        browser.open(browser.find(By.cssSelector("iframe.mail")).getDomProperty("src"));
        check("mail-signin-link", screen);
        browser.open(signInLink);
        browser.waitForPath("/recovery/link");
        check("recovery-link", screen);
    }

    private static void check(String name, Screen screen) {
        browser.screenshot(name, screen);
        Number overflow = (Number) browser.driver().executeScript(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth");
        assertThat(overflow.intValue()).as("%s on a %s is wider than the screen", name, screen).isLessThanOrEqualTo(0);
        @SuppressWarnings("unchecked")
        List<String> small = (List<String>) browser.driver().executeScript("""
                return [...document.querySelectorAll('a, button, input:not([type=hidden]), label.check')]
                  .filter(e => e.offsetParent !== null)
                  .filter(e => !(e.matches('input') && e.closest('label')))  // the whole label is its target
                  .filter(e => { const r = e.getBoundingClientRect(); return r.width < 24 || r.height < 24; })
                  .map(e => e.outerHTML.slice(0, 80));
                """);
        assertThat(small).as("%s on a %s: targets smaller than 24x24", name, screen).isEmpty();
    }
}
