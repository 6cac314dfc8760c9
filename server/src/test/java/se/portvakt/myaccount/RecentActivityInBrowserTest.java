package se.portvakt.myaccount;

import static org.assertj.core.api.Assertions.assertThat;
import static se.portvakt.testing.Browser.button;
import static se.portvakt.testing.Browser.field;
import static se.portvakt.testing.Browser.link;

import java.net.http.HttpResponse;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;

import se.portvakt.account.Account;
import se.portvakt.account.AccountStore;
import se.portvakt.password.PasswordHasher;
import se.portvakt.testing.Browser;
import se.portvakt.testing.Browser.Screen;
import se.portvakt.testing.HttpAgent;
import se.portvakt.testing.OidcClient;
import se.portvakt.testing.OnH2;
import se.portvakt.testing.TestPeople;

/**
 * "Recent activity" and "This wasn't me" in Chromium, in English and in Swedish: a stranger's wrong password and
 * sign-in to an application (HTTP agents) show on the page; the person says the sign-in was not them, is signed out,
 * signs in again and chooses a new password before reaching My account. Each page is photographed on a desktop and a
 * phone (under {@code target/screenshots/}) and checked by axe-core.
 */
@OnH2
class RecentActivityInBrowserTest {

    private static final String PASSWORD = "a long enough password";
    private static final String NEW = "another quite long passphrase";
    private static final String FIREFOX_ON_LINUX =
            "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";

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

    @Test
    void aPersonSaysASignInWasNotThemAndChoosesANewPassword() {
        Account person = TestPeople.account(accounts, "activity.browser", hasher.hash(PASSWORD));
        HttpAgent stranger = strangerSignsIn(person);
        browser.resize(Screen.DESKTOP);
        MyAccountInBrowserTest.signIn(browser, person, "Email address", "Next", "Password", "Sign in", null);

        browser.click(link("Recent activity"));
        browser.waitForPath("/account/activity");
        assertThat(browser.text()).contains("Recent activity", "Signed in with your password",
                "Signed in to Test web app with your password", "Wrong password", "Firefox on Linux", "This wasn't me");
        photograph(browser, "account-activity");

        browser.click(reportOf("Signed in to Test web app with your password"));
        browser.waitForText("You were signed out everywhere");
        assertThat(HttpAgent.location(stranger.get("/account"))).endsWith("/signin");
        photograph(browser, "account-reported");

        browser.click(link("Sign in again"));
        browser.waitForPath("/signin");
        browser.type(field("Email address"), person.email().value());
        browser.click(button("Next"));
        browser.waitForPath("/signin/password");
        browser.type(field("Password"), PASSWORD);
        browser.click(button("Sign in"));
        browser.waitForPath("/signin/new-password");
        assertThat(browser.text()).contains("Choose a new password", "New password", "Confirm new password");
        photograph(browser, "signin-new-password");
        browser.type(field("New password"), NEW);
        browser.type(field("Confirm new password"), NEW + " but different");
        browser.click(button("Save and continue"));
        browser.waitForText("The two passwords are not the same.");
        photograph(browser, "signin-new-password-mismatch");
        browser.type(field("New password"), NEW);
        browser.type(field("Confirm new password"), NEW);
        browser.click(button("Save and continue"));
        browser.waitForPath("/account");
        browser.click(button("Sign out"));
        browser.waitForPath("/signed-out");
    }

    @Test
    void detVarInteJagPaSvenska() {
        Account person = TestPeople.account(accounts, "aktivitet.webblasare", hasher.hash(PASSWORD));
        strangerSignsIn(person);
        swedish.resize(Screen.DESKTOP);
        MyAccountInBrowserTest.signIn(swedish, person, "E-postadress", "Nästa", "Lösenord", "Logga in", null);

        swedish.click(link("Senaste aktivitet"));
        swedish.waitForPath("/account/activity");
        assertThat(swedish.text()).contains("Senaste aktivitet", "Inloggad med ditt lösenord",
                "Inloggad i Test web app med ditt lösenord", "Fel lösenord", "Det var inte jag");
        photograph(swedish, "account-activity-sv");

        swedish.click(reportOf("Inloggad i Test web app med ditt lösenord"));
        swedish.waitForText("Du har loggats ut överallt");
        photograph(swedish, "account-reported-sv");

        swedish.click(link("Logga in igen"));
        swedish.waitForPath("/signin");
        swedish.type(field("E-postadress"), person.email().value());
        swedish.click(button("Nästa"));
        swedish.waitForPath("/signin/password");
        swedish.type(field("Lösenord"), PASSWORD);
        swedish.click(button("Logga in"));
        swedish.waitForPath("/signin/new-password");
        swedish.type(field("Nytt lösenord"), PASSWORD);
        swedish.type(field("Bekräfta nytt lösenord"), PASSWORD);
        swedish.click(button("Spara och fortsätt"));
        swedish.waitForText("Välj ett lösenord som du inte har använt");
        photograph(swedish, "signin-new-password-sv");
        swedish.type(field("Nytt lösenord"), NEW);
        swedish.type(field("Bekräfta nytt lösenord"), NEW);
        swedish.click(button("Spara och fortsätt"));
        swedish.waitForPath("/account");
    }

    /** A wrong password, then a sign-in to the test application, from another browser (over HTTP). */
    private HttpAgent strangerSignsIn(Account person) {
        HttpAgent stranger = new HttpAgent(issuer).header("X-Forwarded-For", TestPeople.uniqueAddress())
                .header("User-Agent", FIREFOX_ON_LINUX).header("Accept", "text/html");
        stranger.get(HttpAgent.location(stranger.get("/account")));
        stranger.post("/signin", Map.of("email", person.email().value()));
        HttpResponse<String> wrong = stranger.post("/signin/password", Map.of("password", "not the password"));
        assertThat(wrong.statusCode()).isEqualTo(200);
        OidcClient.signIn(stranger, OidcClient.web(), person.email().value(), PASSWORD);
        return stranger;
    }

    /** The "This wasn't me" button in the row of this event. */
    private static By reportOf(String sentence) {
        return By.xpath("//li[.//*[normalize-space()='" + sentence + "']]//button");
    }

    private static void photograph(Browser browser, String name) {
        for (Screen screen : Screen.values()) {
            browser.resize(screen);
            browser.checkScreen(name, screen);
        }
        browser.resize(Screen.DESKTOP);
    }
}
