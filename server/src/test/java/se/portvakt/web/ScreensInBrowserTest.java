package se.portvakt.web;

import static org.assertj.core.api.Assertions.assertThat;
import static se.portvakt.testing.Browser.button;
import static se.portvakt.testing.Browser.checkbox;
import static se.portvakt.testing.Browser.field;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;

import se.portvakt.testing.Browser;
import se.portvakt.testing.Browser.Screen;
import se.portvakt.testing.OidcClient;
import se.portvakt.testing.OnH2;

/**
 * Every screen a person can meet, on a desktop and on a phone: each is saved as a picture under
 * {@code target/screenshots/} for a person to look at, and checked for what a machine can see: nothing wider
 * than the screen, and nothing to tap smaller than WCAG's minimum target (24 by 24 CSS pixels; a checkbox's
 * target is its whole label).
 */
@OnH2
class ScreensInBrowserTest {

    @RegisterExtension
    static final Browser browser = Browser.perTestClass();

    @ParameterizedTest
    @EnumSource(Screen.class)
    void everyScreenFitsAndIsSaved(Screen screen) {
        browser.clearCookies();
        browser.resize(screen);

        browser.open(OidcClient.web().authorizationUrl());
        browser.waitForPath("/signin");
        browser.checkScreen("signin-identify", screen);
        browser.find(field("Email address")).sendKeys(Keys.TAB, Keys.TAB);
        browser.checkScreen("signin-identify-keyboard-on-next", screen);

        browser.type(field("Email address"), "signed.in@example.com");
        browser.click(checkbox("Save my email address for next time"));
        browser.click(button("Next"));
        browser.waitForPath("/signin/password");
        browser.checkScreen("signin-password", screen);
        assertThat(browser.find(field("Password")).getDomAttribute("aria-describedby")).as("no error, nothing to read")
                .isNull();

        browser.type(field("Password"), "not the password");
        browser.click(button("Sign in"));
        String error = browser.find(By.cssSelector("[role=alert]")).getDomAttribute("id");
        assertThat(browser.find(field("Password")).getDomAttribute("aria-describedby"))
                .as("the error read with the field")
                .isEqualTo(error);
        browser.checkScreen("signin-password-error", screen);

        browser.closeAndReopen();
        browser.open("/signin");
        assertThat(browser.find(field("Email address")).getDomProperty("value")).isEqualTo("signed.in@example.com");
        browser.checkScreen("signin-identify-remembered", screen);

        browser.click(button("Next"));
        browser.waitForPath("/signin/password");
        browser.type(field("Password"), "test password one");
        browser.click(button("Sign in"));
        browser.remindLaterIfAsked();
        browser.find(button("Sign out"));
        browser.checkScreen("home-signed-in", screen);

        // Signed in, so that the missing page is answered with 404 rather than with the sign-in page.
        browser.open("/no-such-page");
        assertThat(browser.text()).contains("This page does not exist");
        browser.checkScreen("error-404", screen);

        browser.open("/");
        browser.click(button("Sign out"));
        browser.waitForPath("/signed-out");
        browser.checkScreen("signed-out", screen);

        browser.open("/signin/forgot");
        browser.find(By.tagName("h1"));
        browser.checkScreen("recovery-forgot-from-password", screen);
    }

}
