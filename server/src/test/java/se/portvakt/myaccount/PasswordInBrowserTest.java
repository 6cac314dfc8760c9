package se.portvakt.myaccount;

import static se.portvakt.testing.Browser.button;
import static se.portvakt.testing.Browser.field;
import static se.portvakt.testing.Browser.link;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

import se.portvakt.account.Account;
import se.portvakt.account.AccountStore;
import se.portvakt.password.PasswordHasher;
import se.portvakt.testing.Browser;
import se.portvakt.testing.Browser.Screen;
import se.portvakt.testing.OnH2;
import se.portvakt.testing.TestPeople;

/**
 * A person changes their password on My account in Chromium, in English and in Swedish: the page with the reset
 * page's message, the confirmation asked for after the re-authentication window (a few seconds here, as in
 * {@link ReauthenticationTest}), and the change, on a desktop and a phone (saved under {@code target/screenshots/},
 * checked by axe-core).
 */
@OnH2
@TestPropertySource(properties = "portvakt.account.reauthentication-window=" + ReauthenticationTest.WINDOW_SECONDS + "s")
class PasswordInBrowserTest {

    private static final String PASSWORD = "a long enough password";
    private static final String NEW = "another quite long password";

    @RegisterExtension
    static final Browser browser = Browser.perTestClass();

    @RegisterExtension
    static final Browser swedish = Browser.perTestClass("sv");

    @Autowired
    AccountStore accounts;

    @Autowired
    PasswordHasher hasher;

    /** The words of one language on the way. */
    private record Words(String email, String next, String password, String signIn, String section, String current,
            String newPassword, String confirm, String change, String mismatch, String confirmItIsYou, String changed,
            String suffix) {}

    @Test
    void aPersonChangesTheirPasswordInEnglish() {
        walk(browser, TestPeople.account(accounts, "password.browser", hasher.hash(PASSWORD)), new Words(
                "Email address", "Next", "Password", "Sign in", "Password", "Current password", "New password",
                "Confirm new password", "Change password", "The two passwords are not the same.", "Confirm it is you",
                "Your password was changed.", ""));
    }

    @Test
    void lösenordetBytsPåSvenska() {
        walk(swedish, TestPeople.account(accounts, "losenord.webblasare", hasher.hash(PASSWORD)), new Words(
                "E-postadress", "Nästa", "Lösenord", "Logga in", "Lösenord", "Nuvarande lösenord", "Nytt lösenord",
                "Bekräfta nytt lösenord", "Byt lösenord", "De två lösenorden är inte likadana.",
                "Bekräfta att det är du", "Ditt lösenord är bytt.", "-sv"));
    }

    private static void walk(Browser browser, Account person, Words words) {
        browser.resize(Screen.DESKTOP);
        browser.open("/account");
        browser.waitForPath("/signin");
        browser.type(field(words.email()), person.email().value());
        browser.click(button(words.next()));
        browser.waitForPath("/signin/password");
        browser.type(field(words.password()), PASSWORD);
        browser.click(button(words.signIn()));
        browser.waitForPath("/account");

        // A sign-in a moment ago: straight to the page; a mismatch gets the reset page's message.
        browser.click(link(words.section()));
        browser.waitForPath("/account/password");
        browser.type(field(words.current()), PASSWORD);
        browser.type(field(words.newPassword()), NEW);
        browser.type(field(words.confirm()), NEW + "!");
        browser.click(button(words.change()));
        browser.waitForText(words.mismatch());
        for (Screen screen : Screen.values()) {
            browser.resize(screen);
            browser.checkScreen("account-password-problems" + words.suffix(), screen);
        }

        // Later: the person confirms who they are, and comes back to the page.
        pause(ReauthenticationTest.WINDOW_SECONDS * 1000L + 300);
        browser.open("/account/password");
        browser.waitForPath("/signin/password");
        browser.waitForText(words.confirmItIsYou());
        for (Screen screen : Screen.values()) {
            browser.resize(screen);
            browser.checkScreen("reauthenticate" + words.suffix(), screen);
        }
        browser.type(field(words.password()), PASSWORD);
        browser.click(button(words.signIn()));
        browser.waitForPath("/account/password");
        browser.type(field(words.current()), PASSWORD);
        browser.type(field(words.newPassword()), NEW);
        browser.type(field(words.confirm()), NEW);
        browser.click(button(words.change()));
        browser.waitForText(words.changed());
        for (Screen screen : Screen.values()) {
            browser.resize(screen);
            browser.checkScreen("account-password-changed" + words.suffix(), screen);
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
