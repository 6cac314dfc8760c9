package se.portvakt.signin;

import static org.assertj.core.api.Assertions.assertThat;
import static se.portvakt.testing.Browser.button;
import static se.portvakt.testing.Browser.checkbox;
import static se.portvakt.testing.Browser.field;
import static se.portvakt.testing.Browser.link;

import java.net.URI;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;

import se.portvakt.account.Account;
import se.portvakt.account.AccountStore;
import se.portvakt.config.PortvaktProperties;
import se.portvakt.password.PasswordHasher;
import se.portvakt.testing.Browser;
import se.portvakt.testing.Browser.Screen;
import se.portvakt.testing.HttpAgent;
import se.portvakt.testing.OidcClient;
import se.portvakt.testing.OnH2;
import se.portvakt.testing.TestPeople;

/**
 * Journey steps 1 and 2 in a real browser, as the user guide tells them: the application sends the person
 * here, they give their email address and then their password, and arrive back at the application.
 */
@OnH2
class SignInInBrowserTest {

    private static final String EMAIL = "signed.in@example.com";
    private static final String PASSWORD = "test password one";
    private static final By BACK_ARROW = link("Back to email address");
    private static final By PROFILE_ICON = By.cssSelector(".identity svg.avatar");
    private static final By SHOWN_EMAIL = By.cssSelector(".identity .email");
    private static final By ERROR = By.cssSelector("[role=alert]");

    @RegisterExtension
    static final Browser browser = Browser.perTestClass();

    @Value("${portvakt.issuer}")
    String issuer;

    @Autowired
    AccountStore accounts;

    @Autowired
    PasswordHasher hasher;

    @Autowired
    PortvaktProperties properties;

    @Test
    void signsInFromTheApplicationAndIsRememberedNextTime() {
        OidcClient.Request fromTheApp = OidcClient.web();
        browser.open(fromTheApp.authorizationUrl());

        // 1. Email first
        browser.waitForPath("/signin");
        assertThat(browser.text()).contains("Email address", "Save my email address for next time",
                "Not recommended for public or shared computers");
        assertThat(browser.find(By.cssSelector(".logo svg")).isDisplayed()).isTrue();
        browser.type(field("Email address"), EMAIL);
        browser.click(checkbox("Save my email address for next time"));
        browser.click(button("Next"));

        // 2. Password
        browser.waitForPath("/signin/password");
        assertThat(browser.find(BACK_ARROW).isDisplayed()).isTrue();
        assertThat(browser.find(PROFILE_ICON).isDisplayed()).isTrue();
        assertThat(browser.find(SHOWN_EMAIL).getText()).isEqualTo(EMAIL);
        assertThat(browser.find(link("Forgot your password?")).isDisplayed()).isTrue();
        browser.type(field("Password"), PASSWORD);
        browser.click(button("Sign in"));

        // Back at the application, with a code for it and the state it sent.
        URI arrival = URI.create(browser.arriveRemindingLater(fromTheApp.redirectUri + "?"));
        assertThat(OidcClient.param(arrival, "code")).isNotBlank();
        assertThat(OidcClient.param(arrival, "state")).isEqualTo(fromTheApp.state);

        // Next time, on the same browser: the email address is filled in, and the box is still ticked.
        browser.closeAndReopen();
        OidcClient.Request nextTime = OidcClient.web();
        browser.open(nextTime.authorizationUrl());
        browser.waitForPath("/signin");
        assertThat(browser.find(field("Email address")).getDomProperty("value")).isEqualTo(EMAIL);
        assertThat(browser.find(checkbox("Save my email address for next time")).isSelected()).isTrue();
        browser.click(button("Next"));
        browser.waitForPath("/signin/password");
        assertThat(browser.find(SHOWN_EMAIL).getText()).isEqualTo(EMAIL);
        browser.type(field("Password"), PASSWORD);
        browser.click(button("Sign in"));
        URI again = URI.create(browser.waitForUrlStartingWith(nextTime.redirectUri + "?"));
        assertThat(OidcClient.param(again, "state")).isEqualTo(nextTime.state);
    }

    @Test
    void aRememberedPersonCanSwitchToAnotherAccountAndGoBack() {
        browser.open("/signin");
        browser.type(field("Email address"), EMAIL);
        browser.click(checkbox("Save my email address for next time"));
        browser.click(button("Next"));
        browser.waitForPath("/signin/password");
        browser.closeAndReopen();

        OidcClient.Request fromTheApp = OidcClient.web();
        browser.open(fromTheApp.authorizationUrl());
        browser.waitForPath("/signin");
        assertThat(browser.find(field("Email address")).getDomProperty("value")).isEqualTo(EMAIL);

        // "Use another account" empties the field; another address goes on to its own password step.
        browser.click(link("Use another account"));
        browser.waitForPath("/signin?another");
        assertThat(browser.find(field("Email address")).getDomProperty("value")).isEmpty();
        assertThat(browser.find(checkbox("Save my email address for next time")).isSelected()).isFalse();
        browser.type(field("Email address"), "first.login@example.com");
        browser.click(button("Next"));
        browser.waitForPath("/signin/password");
        assertThat(browser.find(SHOWN_EMAIL).getText()).isEqualTo("first.login@example.com");

        // The back arrow returns to step 1 with the address as typed, to correct it.
        browser.click(BACK_ARROW);
        browser.waitForPath("/signin");
        assertThat(browser.currentUrl()).doesNotContain("/signin/password");
        assertThat(browser.find(field("Email address")).getDomProperty("value")).isEqualTo("first.login@example.com");
        browser.type(field("Email address"), EMAIL);
        browser.click(button("Next"));
        browser.waitForPath("/signin/password");
        assertThat(browser.find(SHOWN_EMAIL).getText()).isEqualTo(EMAIL);
        browser.type(field("Password"), PASSWORD);
        browser.click(button("Sign in"));
        URI arrival = URI.create(browser.arriveRemindingLater(fromTheApp.redirectUri + "?"));
        assertThat(OidcClient.param(arrival, "state")).isEqualTo(fromTheApp.state);
    }

    @Test
    void aWrongPasswordShowsTheSameMessageAsAnUnknownAddress() {
        browser.open(OidcClient.web().authorizationUrl());
        browser.waitForPath("/signin");
        browser.type(field("Email address"), EMAIL);
        browser.click(button("Next"));
        browser.waitForPath("/signin/password");
        browser.type(field("Password"), "not the password");
        browser.click(button("Sign in"));

        String wrongPassword = browser.find(ERROR).getText();
        assertThat(wrongPassword).isEqualTo("The email address or password is incorrect.");
        assertThat(browser.currentUrl()).contains("/signin/password");
        assertThat(browser.find(SHOWN_EMAIL).getText()).isEqualTo(EMAIL);
        assertThat(browser.find(field("Password")).getDomProperty("value")).isEmpty();

        browser.click(BACK_ARROW);
        browser.waitForPath("/signin");
        browser.type(field("Email address"), "nobody.here@example.com");
        browser.click(button("Next"));
        browser.waitForPath("/signin/password");
        browser.type(field("Password"), "not the password");
        browser.click(button("Sign in"));
        assertThat(browser.find(ERROR).getText()).isEqualTo(wrongPassword);
    }

    @Test
    void pastManyWrongPasswordsFromElsewhereTheOwnerSignsInWithTheProofOfWorkSolvedByTheBrowser() {
        Account owner = TestPeople.account(accounts, "browser.targeted", hasher.hash(PASSWORD));
        String email = owner.email().value();
        for (int i = 0; i < properties.limits().failedSignInsPerAccount(); i++) {
            HttpAgent attacker = TestPeople.browser(issuer);
            attacker.get("/signin");
            attacker.post("/signin", Map.of("email", email));
            attacker.get("/signin/password");
            attacker.post("/signin/password", Map.of("password", "guess " + i));
        }

        OidcClient.Request fromTheApp = OidcClient.web();
        browser.open(fromTheApp.authorizationUrl());
        browser.waitForPath("/signin");
        browser.type(field("Email address"), email);
        browser.click(button("Next"));
        browser.waitForPath("/signin/password");
        assertThat(browser.text()).contains("I'm not a robot");
        for (Screen screen : Screen.values()) {
            browser.resize(screen);
            browser.checkScreen("signin-password-captcha", screen);
        }
        browser.resize(Screen.DESKTOP);
        browser.type(field("Password"), PASSWORD);
        // Nothing more to do: pressing "Sign in" solves the proof of work, then sends the form.
        browser.click(button("Sign in"));

        URI arrival = URI.create(browser.arriveRemindingLater(fromTheApp.redirectUri + "?"));
        assertThat(OidcClient.param(arrival, "state")).isEqualTo(fromTheApp.state);
    }
}
