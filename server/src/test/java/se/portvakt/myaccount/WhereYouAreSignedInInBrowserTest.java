package se.portvakt.myaccount;

import static org.assertj.core.api.Assertions.assertThat;
import static se.portvakt.testing.Browser.button;
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
import se.portvakt.testing.OnH2;
import se.portvakt.testing.TestPeople;

/**
 * "Where you are signed in" in Chromium, in English and in Swedish: the person is signed in here and on two other
 * browsers (HTTP agents with a phone's and a laptop's User-Agent), opens the section from the navigation, signs out
 * one of the others, then every other one. Each state is photographed on a desktop and a phone (under
 * {@code target/screenshots/}) and checked by axe-core.
 */
@OnH2
class WhereYouAreSignedInInBrowserTest {

    private static final String PASSWORD = "a long enough password";
    private static final String FIREFOX_ON_LINUX =
            "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";
    private static final String SAFARI_ON_IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) "
            + "AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1";

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
    void aPersonSignsOutTheirOtherBrowsersInEnglish() {
        Account person = TestPeople.account(accounts, "sessions.browser", hasher.hash(PASSWORD));
        browser.resize(Screen.DESKTOP);
        MyAccountInBrowserTest.signIn(browser, person, "Email address", "Next", "Password", "Sign in", null);
        HttpAgent laptop = signedInElsewhere(person, FIREFOX_ON_LINUX);
        HttpAgent phone = signedInElsewhere(person, SAFARI_ON_IPHONE);

        browser.click(link("Where you are signed in"));
        browser.waitForPath("/account/sessions");
        assertThat(browser.text()).contains("Where you are signed in", "This device", "Chrome on Linux",
                "Firefox on Linux", "Safari on iOS", "Sign out everywhere else");
        photograph(browser, "account-sessions");

        browser.click(signOutOf("Firefox on Linux"));
        browser.waitForText("That browser is signed out");
        assertThat(browser.text()).doesNotContain("Firefox on Linux").contains("Safari on iOS");
        assertThat(HttpAgent.location(laptop.get("/account"))).endsWith("/signin");
        photograph(browser, "account-sessions-ended");

        browser.click(button("Sign out everywhere else"));
        browser.waitForText("Signed out of 1 other browser");
        assertThat(browser.text()).doesNotContain("Safari on iOS", "Sign out everywhere else").contains("This device");
        assertThat(HttpAgent.location(phone.get("/account"))).endsWith("/signin");
        photograph(browser, "account-sessions-alone");

        browser.click(button("Sign out"));
        browser.waitForPath("/signed-out");
    }

    @Test
    void dinaInloggningarPaSvenska() {
        Account person = TestPeople.account(accounts, "sessions.webblasare", hasher.hash(PASSWORD));
        swedish.resize(Screen.DESKTOP);
        MyAccountInBrowserTest.signIn(swedish, person, "E-postadress", "Nästa", "Lösenord", "Logga in", null);
        HttpAgent laptop = signedInElsewhere(person, FIREFOX_ON_LINUX);
        signedInElsewhere(person, SAFARI_ON_IPHONE);

        swedish.click(link("Där du är inloggad"));
        swedish.waitForPath("/account/sessions");
        assertThat(swedish.text()).contains("Där du är inloggad", "Den här enheten", "Chrome på Linux",
                "Firefox på Linux", "Safari på iOS", "Logga ut överallt utom här", "Inloggad ", "Senast aktiv ");
        photograph(swedish, "account-sessions-sv");

        swedish.click(signOutOf("Firefox på Linux"));
        swedish.waitForText("Den webbläsaren är utloggad");
        assertThat(HttpAgent.location(laptop.get("/account"))).endsWith("/signin");
        swedish.click(button("Logga ut överallt utom här"));
        swedish.waitForText("Utloggad från 1 annan webbläsare");
        photograph(swedish, "account-sessions-alone-sv");
    }

    /** Another browser of the person's, signed in at My account (over HTTP: only its session matters here). */
    private HttpAgent signedInElsewhere(Account person, String userAgent) {
        HttpAgent other = new HttpAgent(issuer).header("X-Forwarded-For", TestPeople.uniqueAddress())
                .header("User-Agent", userAgent).header("Accept", "text/html");
        other.get(HttpAgent.location(other.get("/account")));
        other.post("/signin", Map.of("email", person.email().value()));
        HttpResponse<String> page = other.follow(other.post("/signin/password", Map.of("password", PASSWORD)));
        assertThat(page.uri().getPath()).isEqualTo("/account");
        return other;
    }

    /** The "Sign out" button in the row of this browser. */
    private static By signOutOf(String device) {
        return By.xpath("//li[.//*[normalize-space()='" + device + "']]//button");
    }

    private static void photograph(Browser browser, String name) {
        for (Screen screen : Screen.values()) {
            browser.resize(screen);
            browser.checkScreen(name, screen);
        }
        browser.resize(Screen.DESKTOP);
    }
}
