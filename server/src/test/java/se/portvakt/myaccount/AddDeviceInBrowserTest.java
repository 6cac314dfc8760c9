package se.portvakt.myaccount;

import static org.assertj.core.api.Assertions.assertThat;
import static se.portvakt.testing.Browser.button;
import static se.portvakt.testing.Browser.link;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;

import se.portvakt.account.AccountStore;
import se.portvakt.factor.push.Pairings;
import se.portvakt.myaccount.MethodsPageTest.Person;
import se.portvakt.password.PasswordHasher;
import se.portvakt.testing.AuthenticatorDevice;
import se.portvakt.testing.Browser;
import se.portvakt.testing.Browser.Screen;
import se.portvakt.testing.OidcClient;
import se.portvakt.testing.OnH2;

/**
 * A person adds another phone with Portvakt Authenticator from My account in Chromium, in English and in Swedish:
 * the pairing QR code and code, then the app pairs (over HTTP, as the tests' app does) and the page moves on by itself
 * to the confirmation, on a desktop and a phone (saved under {@code target/screenshots/}, checked by axe-core). The
 * sign-in is done over HTTP.
 */
@OnH2
class AddDeviceInBrowserTest {

    @RegisterExtension
    static final Browser browser = Browser.perTestClass();

    @RegisterExtension
    static final Browser swedish = Browser.perTestClass("sv");

    @Value("${portvakt.issuer}")
    String issuer;

    @Autowired
    AccountStore accounts;

    @Autowired
    PasswordHasher hasher;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    Pairings pairings;

    /** The words of one language on the way. */
    private record Words(String section, String another, String title, String added, String suffix) {}

    @Test
    void aPersonAddsAnotherPhoneInEnglish() {
        walk(browser, "adddevice.browser", new Words("Two-factor authentication", "Add another phone",
                "Add your account to the app", "Portvakt Authenticator was added", ""));
    }

    @Test
    void enTelefonTillLäggsTillPåSvenska() {
        walk(swedish, "adddevice.webblasare", new Words("Tvåfaktorsautentisering", "Lägg till en telefon till",
                "Lägg till ditt konto i appen", "Portvakt Authenticator är tillagd", "-sv"));
    }

    private void walk(Browser browser, String who, Words words) {
        Person person = MethodsPageTest.person(issuer, accounts, hasher, jdbc, pairings, who, OidcClient.web());
        browser.resize(Screen.DESKTOP);
        browser.open("/signin");
        browser.clearCookies();
        browser.driver().manage().addCookie(new Cookie("PORTVAKT_SESSION", person.browser().cookie("PORTVAKT_SESSION")));
        browser.open("/account");
        browser.waitForPath("/account");
        browser.click(link(words.section()));
        browser.waitForPath("/account/methods");
        browser.click(button(words.another()));
        browser.waitForPath("/account/methods/device");
        browser.waitForText(words.title());
        assertThat(browser.driver().findElement(By.cssSelector("form[data-wait-continue]")).isDisplayed())
                .as("the script waits instead of the button").isFalse();
        AddAuthenticatorAppInBrowserTest.look(browser, "account-device" + words.suffix());

        String code = browser.find(By.id("pairing-code")).getText();
        assertThat(new AuthenticatorDevice(issuer).pair(code, null).statusCode()).isEqualTo(201);
        browser.waitForText(words.added());
        browser.waitForPath("/account/methods");
        assertThat(browser.text()).contains(words.added(), "Test phone");
        AddAuthenticatorAppInBrowserTest.look(browser, "account-device-added" + words.suffix());
    }
}
