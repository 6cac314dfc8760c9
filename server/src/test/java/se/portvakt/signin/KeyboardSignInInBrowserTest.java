package se.portvakt.signin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;

import se.portvakt.account.AccountStore;
import se.portvakt.factor.totp.TotpSecret;
import se.portvakt.password.PasswordHasher;
import se.portvakt.testing.Browser;
import se.portvakt.testing.HttpAgent;
import se.portvakt.testing.OidcClient;
import se.portvakt.testing.OnH2;
import se.portvakt.testing.TestPeople;
import se.portvakt.testing.TwoFactorPerson;

/**
 * Journey steps 1, 2 and the 2FA prompt or the authenticator's code with the keyboard alone (WCAG 2.1.1): no
 * click, only Tab, Shift+Tab, Space, Enter and typing into whatever has the focus, and every control that gets the
 * focus shows it (2.4.7).
 */
@OnH2
class KeyboardSignInInBrowserTest {

    private static final String PASSWORD = "keyboard password one";

    @RegisterExtension
    static final Browser browser = Browser.perTestClass();

    @Autowired
    AccountStore accounts;

    @Autowired
    PasswordHasher hasher;

    @Autowired
    JdbcClient jdbc;

    @Value("${portvakt.issuer}")
    String issuer;

    @Test
    void signsInWithTheKeyboardAloneAndSeesWhereTheFocusIs() {
        String email = TestPeople.newcomer(accounts, "keyboard.only", hasher.hash(PASSWORD)).email().value();
        OidcClient.Request fromTheApp = OidcClient.web();
        browser.open(fromTheApp.authorizationUrl());
        emailAndPasswordByKeyboard(email);

        // The 2FA prompt: "Remind me later" with Enter.
        browser.waitForPath("/signin/two-factor");
        tabTo("the button \"Remind me later\"", "button[value=later]");
        keys(Keys.ENTER);

        assertThat(browser.waitForUrlStartingWith(fromTheApp.redirectUri)).contains("code=");
    }

    @Test
    void givesTheAuthenticatorCodeWithTheKeyboardAlone() {
        String email = TestPeople.newcomer(accounts, "keyboard.code", hasher.hash(PASSWORD)).email().value();
        TwoFactorPerson phone = new TwoFactorPerson(jdbc);
        HttpAgent elsewhere = TestPeople.browser(issuer);
        OidcClient.Request first = OidcClient.web();
        elsewhere.follow(elsewhere.get(first.authorizationUrl()));
        elsewhere.post("/signin", Map.of("email", email));
        elsewhere.get("/signin/password");
        elsewhere.post("/signin/password", Map.of("password", PASSWORD));
        TotpSecret key = phone.enrol(elsewhere, null).key();

        OidcClient.Request fromTheApp = OidcClient.web();
        browser.open(fromTheApp.authorizationUrl());
        emailAndPasswordByKeyboard(email);

        // The authenticator's code: the field has the focus; Enter sends it.
        browser.waitForPath("/signin/authenticator-code");
        browser.find(By.id("code"));
        assertThat(focused().getDomAttribute("id")).isEqualTo("code");
        assertFocusVisible();
        keys(phone.codeNow(key, 1));
        keys(Keys.ENTER);

        assertThat(browser.waitForUrlStartingWith(fromTheApp.redirectUri)).contains("code=");
    }

    /**
     * Steps 1 and 2: the email address (ticking "Save my email address" with Space and going back with Shift+Tab on
     * the way), "Next" with Enter, the password, "Sign in" with Space.
     */
    private static void emailAndPasswordByKeyboard(String email) {
        browser.waitForPath("/signin");
        assertThat(focused().getDomAttribute("id")).isEqualTo("email");
        assertFocusVisible();
        keys(email);
        tabTo("the checkbox \"Save my email address for next time\"", "input[type=checkbox][name=remember]");
        keys(Keys.SPACE);
        assertThat(focused().isSelected()).as("Space ticks the checkbox").isTrue();
        new Actions(browser.driver()).keyDown(Keys.SHIFT).sendKeys(Keys.TAB).keyUp(Keys.SHIFT).perform();
        assertThat(focused().getDomAttribute("id")).as("Shift+Tab goes back to the email address").isEqualTo("email");
        assertFocusVisible();
        tabTo("the button \"Next\"", "button[type=submit]");
        keys(Keys.ENTER);

        browser.waitForPath("/signin/password");
        browser.find(By.id("password"));
        assertThat(focused().getDomAttribute("id")).isEqualTo("password");
        assertFocusVisible();
        keys(PASSWORD);
        tabTo("the button \"Sign in\"", "button[type=submit]");
        keys(Keys.SPACE);
    }

    /** Presses Tab until the element the selector names has the focus, checking each stop shows its focus. */
    private static void tabTo(String what, String cssSelector) {
        for (int stop = 0; stop < 15; stop++) {
            keys(Keys.TAB);
            assertFocusVisible();
            if (focused().equals(browser.driver().findElement(By.cssSelector(cssSelector)))) {
                return;
            }
        }
        throw new AssertionError("Tab never reached " + what);
    }

    private static void keys(CharSequence... keys) {
        new Actions(browser.driver()).sendKeys(keys).perform();
    }

    private static WebElement focused() {
        return browser.driver().switchTo().activeElement();
    }

    /** The focused control has an outline one can see (WCAG 2.4.7 Focus Visible). */
    private static void assertFocusVisible() {
        WebElement element = focused();
        String style = element.getCssValue("outline-style");
        String width = element.getCssValue("outline-width");
        assertThat(style + " " + width).as("the outline of the focused %s",
                element.getDomProperty("outerHTML").lines().findFirst().orElse(""))
                .doesNotStartWith("none").doesNotEndWith(" 0px");
    }
}
