package se.portvakt.brand;

import static org.assertj.core.api.Assertions.assertThat;
import static se.portvakt.testing.Browser.button;
import static se.portvakt.testing.Browser.field;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;

import se.portvakt.testing.Browser;
import se.portvakt.testing.Browser.Screen;
import se.portvakt.testing.OidcClient;
import se.portvakt.testing.OnH2;

/**
 * A branded application's sign-in screens in a real browser, on a desktop and on a phone: the logo loads under the
 * strict Content Security Policy, "Sign in to ..." stands above the form, the primary button has the accent colour,
 * and nothing is wider than the screen. Saved under {@code target/screenshots/brand-*} for a person to look at.
 */
@OnH2
class BrandedScreensInBrowserTest {

    @RegisterExtension
    static final Browser browser = Browser.perTestClass();

    @RegisterExtension
    static final Browser swedish = Browser.perTestClass("sv");

    private static final String ACCENT = "rgb(124, 45, 18)"; // #7c2d12, test-branded's accent-color

    @Test
    void theBrandedIdentifyAndPasswordScreensShowTheLogoNameAndColour() {
        for (Screen screen : Screen.values()) {
            browser.coldAgain();
            browser.resize(screen);
            browser.open(BrandedSignInTest.branded().authorizationUrl());
            browser.waitForPath("/signin");
            browser.waitForText("Sign in to Brandt Payroll");
            assertLogoLoaded(browser);
            assertThat(color(browser, ".primary", "backgroundColor")).isEqualTo(ACCENT);
            browser.checkScreen("brand-signin-identify", screen);

            browser.type(field("Email address"), "branded.person@example.com");
            browser.click(button("Next"));
            browser.waitForPath("/signin/password");
            assertThat(browser.text()).contains("Sign in to Brandt Payroll");
            assertLogoLoaded(browser);
            assertThat(color(browser, ".primary", "backgroundColor")).isEqualTo(ACCENT);
            assertThat(color(browser, "a[href$='/signin/forgot']", "color")).isEqualTo(ACCENT);
            browser.checkScreen("brand-signin-password", screen);
        }
    }

    @Test
    void inSwedishTheBrandedScreenSaysLoggaInPa() {
        swedish.coldAgain();
        swedish.resize(Screen.PHONE);
        swedish.open(BrandedSignInTest.branded().authorizationUrl());
        swedish.waitForPath("/signin");
        swedish.waitForText("Logga in på Brandt Payroll");
        assertLogoLoaded(swedish);
        swedish.checkScreen("sv-brand-signin-identify", Screen.PHONE);
    }

    @Test
    void anUnbrandedApplicationKeepsPortvaktsLook() {
        browser.coldAgain();
        browser.resize(Screen.DESKTOP);
        browser.open(OidcClient.web().authorizationUrl());
        browser.waitForPath("/signin");
        assertThat(browser.find(By.cssSelector(".logo")).getText()).isEqualTo("Portvakt");
        assertThat(color(browser, ".primary", "backgroundColor")).isEqualTo("rgb(29, 78, 216)"); // #1d4ed8
    }

    private static void assertLogoLoaded(Browser on) {
        Object width = on.driver().executeScript("return document.querySelector('.logo img').naturalWidth");
        assertThat(((Number) width).intValue()).as("the logo loaded (under the page's CSP)").isGreaterThan(0);
    }

    private static String color(Browser on, String selector, String property) {
        return (String) on.driver().executeScript("return getComputedStyle(document.querySelector(arguments[0]))[arguments[1]]",
                selector, property);
    }
}
