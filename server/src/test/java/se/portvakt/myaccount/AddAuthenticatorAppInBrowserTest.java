package se.portvakt.myaccount;

import static org.assertj.core.api.Assertions.assertThat;
import static se.portvakt.testing.Browser.link;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;

import se.portvakt.account.AccountStore;
import se.portvakt.factor.push.Pairings;
import se.portvakt.factor.totp.TotpSecret;
import se.portvakt.myaccount.MethodsPageTest.Person;
import se.portvakt.password.PasswordHasher;
import se.portvakt.testing.Browser;
import se.portvakt.testing.Browser.Screen;
import se.portvakt.testing.OidcClient;
import se.portvakt.testing.OnH2;
import se.portvakt.testing.TwoFactorPerson;

/**
 * A person moves their authenticator app to a new phone from My account in Chromium, in English and in Swedish: the
 * QR code and key, a wrong code and its message, then the new app's code and the confirmation, on a desktop and a
 * phone (saved under {@code target/screenshots/}, checked by axe-core). The sign-in is done over HTTP.
 */
@OnH2
class AddAuthenticatorAppInBrowserTest {

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
    private record Words(String section, String move, String wrong, String replaced, String suffix) {}

    @Test
    void aPersonMovesTheAppToANewPhoneInEnglish() {
        walk(browser, "addapp.browser", new Words("Two-factor authentication", "Move the authenticator app to a new phone",
                "That code does not match", "The new authenticator app replaces the old one", ""));
    }

    @Test
    void appenFlyttasTillEnNyTelefonPåSvenska() {
        walk(swedish, "addapp.webblasare", new Words("Tvåfaktorsautentisering",
                "Flytta autentiseringsappen till en ny telefon", "Koden stämmer inte",
                "Den nya autentiseringsappen ersätter den gamla", "-sv"));
    }

    private void walk(Browser browser, String who, Words words) {
        Person person = MethodsPageTest.person(issuer, accounts, hasher, jdbc, pairings, who, OidcClient.web());
        MethodsInBrowserTest.atMyAccount(browser, person);
        browser.click(link(words.section()));
        browser.waitForPath("/account/methods");
        browser.click(link(words.move()));
        browser.waitForPath("/account/methods/authenticator");
        look(browser, "account-authenticator" + words.suffix());

        browser.type(By.id("code"), "000000");
        browser.find(By.id("code")).submit();
        browser.waitForText(words.wrong());
        look(browser, "account-authenticator-wrong" + words.suffix());

        TotpSecret key = TotpSecret.parseBase32(browser.find(By.id("key")).getText()).orElseThrow();
        browser.find(By.id("code")).clear();
        browser.type(By.id("code"), new TwoFactorPerson(jdbc).codeNow(key, -1));
        browser.find(By.id("code")).submit();
        browser.waitForText(words.replaced());
        assertThat(browser.text()).contains(words.replaced());
        look(browser, "account-authenticator-replaced" + words.suffix());
    }

    /** The page at each screen size, saved and checked by axe-core. */
    static void look(Browser browser, String name) {
        for (Screen screen : Screen.values()) {
            browser.resize(screen);
            browser.checkScreen(name, screen);
        }
        browser.resize(Screen.DESKTOP);
    }
}
