package se.portvakt.web;

import static org.assertj.core.api.Assertions.assertThat;
import static se.portvakt.testing.Browser.button;
import static se.portvakt.testing.Browser.checkbox;
import static se.portvakt.testing.Browser.field;

import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.springframework.beans.factory.annotation.Value;

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

    static Browser browser;

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
    void everyScreenFitsAndIsSaved(Screen screen) {
        browser.clearCookies();
        browser.resize(screen);

        browser.open(OidcClient.web().authorizationUrl());
        browser.waitForPath("/signin");
        check("signin-identify", screen);
        browser.find(field("Email address")).sendKeys(Keys.TAB, Keys.TAB);
        check("signin-identify-keyboard-on-next", screen);

        browser.type(field("Email address"), "signed.in@example.com");
        browser.click(checkbox("Save my email address for next time"));
        browser.click(button("Next"));
        browser.waitForPath("/signin/password");
        check("signin-password", screen);

        browser.type(field("Password"), "not the password");
        browser.click(button("Sign in"));
        browser.find(By.cssSelector("[role=alert]"));
        check("signin-password-error", screen);

        browser.closeAndReopen();
        browser.open("/signin");
        assertThat(browser.find(field("Email address")).getDomProperty("value")).isEqualTo("signed.in@example.com");
        check("signin-identify-remembered", screen);

        browser.click(button("Next"));
        browser.waitForPath("/signin/password");
        browser.type(field("Password"), "test password one");
        browser.click(button("Sign in"));
        browser.find(button("Sign out"));
        check("home-signed-in", screen);

        // Signed in, so that the missing page is answered with 404 rather than with the sign-in page.
        browser.open("/no-such-page");
        assertThat(browser.text()).contains("This page does not exist");
        check("error-404", screen);

        browser.open("/");
        browser.click(button("Sign out"));
        browser.waitForPath("/signed-out");
        check("signed-out", screen);

        browser.open("/signin/forgot");
        browser.find(By.tagName("h1"));
        check("recovery-unavailable", screen);
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
