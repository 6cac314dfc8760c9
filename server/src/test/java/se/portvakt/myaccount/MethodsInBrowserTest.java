package se.portvakt.myaccount;

import static org.assertj.core.api.Assertions.assertThat;
import static se.portvakt.testing.Browser.button;
import static se.portvakt.testing.Browser.checkbox;
import static se.portvakt.testing.Browser.field;
import static se.portvakt.testing.Browser.link;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.Cookie;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;

import se.portvakt.account.AccountStore;
import se.portvakt.factor.push.Pairings;
import se.portvakt.myaccount.MethodsPageTest.Person;
import se.portvakt.password.PasswordHasher;
import se.portvakt.testing.Browser;
import se.portvakt.testing.Browser.Screen;
import se.portvakt.testing.OidcClient;
import se.portvakt.testing.OnH2;

/**
 * A person with the app, a phone in Portvakt Authenticator, an SMS number and an emergency code looks at their
 * two-factor methods on My account in Chromium, in English and in Swedish, makes a new emergency code, renames the
 * phone and removes the number, on a desktop and a phone (saved under {@code target/screenshots/}, checked by
 * axe-core). The sign-in with two factors is done over HTTP ({@link MethodsPageTest}); the browser takes its session.
 */
@OnH2
class MethodsInBrowserTest {

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
    private record Words(String section, String on, String newCode, String stored, String done, String saved,
            String name, String rename, String renamed, String remove, String removed, String suffix) {}

    @Test
    void aPersonLooksAtAndChangesTheirMethodsInEnglish() {
        walk(browser, "methods.browser", new Words("Two-factor authentication", "Two-factor authentication is on",
                "Make a new emergency code", "I have safely copied and stored this code.", "Done",
                "Your new emergency code is saved", "Name of this device", "Rename", "The device was renamed",
                "Remove", "The method was removed", ""));
    }

    @Test
    void sättenVisasOchÄndrasPåSvenska() {
        walk(swedish, "metoder.webblasare", new Words("Tvåfaktorsautentisering", "Tvåfaktorsautentisering är på",
                "Skapa en ny nödkod", "Jag har kopierat och sparat koden på ett säkert ställe.", "Klar",
                "Din nya nödkod är sparad", "Namn på enheten", "Byt namn", "Enheten har bytt namn", "Ta bort",
                "Sättet är borttaget", "-sv"));
    }

    private void walk(Browser browser, String who, Words words) {
        Person person = MethodsPageTest.person(issuer, accounts, hasher, jdbc, pairings, who, OidcClient.web());
        atMyAccount(browser, person);
        browser.click(link(words.section()));
        browser.waitForPath("/account/methods");
        browser.waitForText(words.on());
        look(browser, "account-methods" + words.suffix());

        browser.click(link(words.newCode()));
        browser.waitForPath("/account/methods/emergency-code");
        look(browser, "account-emergency-code" + words.suffix());
        browser.click(checkbox(words.stored()));
        browser.click(button(words.done()));
        browser.waitForText(words.saved());
        look(browser, "account-methods-saved" + words.suffix());

        browser.find(field(words.name())).clear();
        browser.type(field(words.name()), "Work phone");
        browser.click(button(words.rename()));
        browser.waitForText(words.renamed());
        assertThat(browser.text()).contains("Portvakt Authenticator: Work phone");

        // The third "Remove" is the SMS number's (app, device, number).
        browser.driver().findElements(button(words.remove())).get(2).click();
        browser.waitForText(words.removed());
        look(browser, "account-methods-removed" + words.suffix());
    }

    /** The browser takes the session of the person (signed in over HTTP) and opens My account. */
    static void atMyAccount(Browser browser, Person person) {
        browser.resize(Screen.DESKTOP);
        browser.open("/signin");
        browser.clearCookies();
        String session = person.browser().cookie("PORTVAKT_SESSION");
        browser.driver().manage().addCookie(new Cookie("PORTVAKT_SESSION", session));
        browser.open("/account");
        browser.waitForPath("/account");
    }

    static void look(Browser browser, String name) {
        for (Screen screen : Screen.values()) {
            browser.resize(screen);
            browser.checkScreen(name, screen);
        }
        browser.resize(Screen.DESKTOP);
    }
}
