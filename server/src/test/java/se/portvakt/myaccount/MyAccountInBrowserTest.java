package se.portvakt.myaccount;

import static org.assertj.core.api.Assertions.assertThat;
import static se.portvakt.testing.Browser.button;
import static se.portvakt.testing.Browser.field;
import static se.portvakt.testing.Browser.link;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;

import se.portvakt.account.Account;
import se.portvakt.account.AccountStore;
import se.portvakt.password.PasswordHasher;
import se.portvakt.testing.Browser;
import se.portvakt.testing.Browser.Screen;
import se.portvakt.testing.OnH2;
import se.portvakt.testing.TestPeople;

/**
 * A person walks to My account in Chromium, in English and in Swedish: from the address to the sign-in and back,
 * the overview on a desktop and a phone (saved under {@code target/screenshots/}, checked by axe-core), the way out,
 * and back in through the signed-out page's "My account".
 */
@OnH2
class MyAccountInBrowserTest {

    private static final String PASSWORD = "a long enough password";

    @RegisterExtension
    static final Browser browser = Browser.perTestClass();

    @RegisterExtension
    static final Browser swedish = Browser.perTestClass("sv");

    @Autowired
    AccountStore accounts;

    @Autowired
    PasswordHasher hasher;

    @Test
    void aPersonOpensMyAccountSignsOutAndComesBackInEnglish() {
        Account person = TestPeople.account(accounts, "account.browser", hasher.hash(PASSWORD));
        browser.resize(Screen.DESKTOP);

        signIn(browser, person, "Email address", "Next", "Password", "Sign in", null);
        assertThat(browser.text()).contains("My account", "Test account.browser", person.email().value(),
                "This is your first sign-in.");
        browser.checkScreen("account-overview-first", Screen.DESKTOP);
        browser.click(button("Sign out"));
        browser.waitForPath("/signed-out");
        browser.click(link("My account"));
        browser.waitForPath("/signin");

        signIn(browser, person, "Email address", "Next", "Password", "Sign in", "not the password");
        assertThat(browser.text()).contains("Previous sign-in: ", ", Chrome on Linux, ",
                "1 failed sign-in attempt since then");
        for (Screen screen : Screen.values()) {
            browser.resize(screen);
            browser.open("/account");
            browser.checkScreen("account-overview", screen);
        }
    }

    @Test
    void mittKontoPaSvenska() {
        Account person = TestPeople.account(accounts, "konto.webblasare", hasher.hash(PASSWORD));
        swedish.resize(Screen.DESKTOP);
        signIn(swedish, person, "E-postadress", "Nästa", "Lösenord", "Logga in", null);
        assertThat(swedish.text()).contains("Mitt konto", "Det här är din första inloggning.");
        swedish.click(button("Logga ut"));
        swedish.waitForPath("/signed-out");
        swedish.click(link("Mitt konto"));
        swedish.waitForPath("/signin");

        signIn(swedish, person, "E-postadress", "Nästa", "Lösenord", "Logga in", "fel lösenord");
        assertThat(swedish.text()).contains("Föregående inloggning: ", ", Chrome på Linux, ",
                "1 misslyckat inloggningsförsök sedan dess");
        for (Screen screen : Screen.values()) {
            swedish.resize(screen);
            swedish.open("/account");
            swedish.checkScreen("account-overview-sv", screen);
        }
    }

    /** From /account through the sign-in (a wrong password first, when given) back to the overview. */
    static void signIn(Browser browser, Account person, String emailLabel, String next, String passwordLabel,
            String signIn, String wrongPassword) {
        browser.open("/account");
        browser.waitForPath("/signin");
        browser.type(field(emailLabel), person.email().value());
        browser.click(button(next));
        browser.waitForPath("/signin/password");
        if (wrongPassword != null) {
            browser.type(field(passwordLabel), wrongPassword);
            browser.click(button(signIn));
            browser.find(org.openqa.selenium.By.cssSelector("[role=alert]"));
        }
        browser.type(field(passwordLabel), PASSWORD);
        browser.click(button(signIn));
        browser.waitForPath("/account");
    }
}
