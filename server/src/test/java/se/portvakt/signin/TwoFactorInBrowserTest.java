package se.portvakt.signin;

import static org.assertj.core.api.Assertions.assertThat;
import static se.portvakt.testing.Browser.button;
import static se.portvakt.testing.Browser.checkbox;
import static se.portvakt.testing.Browser.field;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import se.portvakt.account.Account;
import se.portvakt.account.AccountStore;
import se.portvakt.factor.totp.TotpSecret;
import se.portvakt.password.PasswordHasher;
import se.portvakt.testing.Browser;
import se.portvakt.testing.Browser.Screen;
import se.portvakt.testing.OidcClient;
import se.portvakt.testing.OnH2;
import se.portvakt.testing.TestPeople;
import se.portvakt.testing.TwoFactorPerson;

/**
 * Journey steps 4, 4b, 4c and 5 in a real browser: a person sets up the authenticator app (reading the key from
 * the page), the SMS backup (reading the code from the development outbox) and the emergency code ("Done" stays
 * disabled until the box is ticked); then signs in with each factor in turn, uses the emergency code, and turns
 * 2FA off with the new one. Every screen is photographed at desktop and phone widths.
 */
@OnH2
class TwoFactorInBrowserTest {

    private static final String PASSWORD = "a long enough password";
    private static final Pattern SMS_CODE = Pattern.compile("([0-9]{6}) is your sign-in code");

    @RegisterExtension
    static final Browser browser = Browser.perTestClass();

    @Autowired
    AccountStore accounts;

    @Autowired
    PasswordHasher hasher;

    @Autowired
    JdbcClient jdbc;

    @Test
    void setsUpEveryFactorThenSignsInWithEachAndTurns2faOffWithTheEmergencyCode() {
        Account person = TestPeople.newcomer(accounts, "browser.2fa", hasher.hash(PASSWORD));
        TwoFactorPerson phone = new TwoFactorPerson(jdbc);
        String mobile = TwoFactorPerson.uniqueMobile();

        // 4. The prompt after the password.
        OidcClient.Request first = signInWithPassword(person);
        browser.waitForPath("/signin/two-factor");
        assertThat(browser.text()).contains("Activate two-factor authentication (2FA)", "Remind me later");
        onBothScreens("2fa-prompt");
        browser.click(button("Enable"));

        // 4a offers Portvakt Authenticator first (its own test: PushApprovalInBrowserTest); this person has another app.
        browser.waitForPath("/signin/get-started");
        browser.click(button("I use another Authenticator app"));

        // 4b. The QR code and the key; the key typed into "the app" gives the code.
        browser.waitForPath("/signin/authenticator-setup");
        assertThat(browser.find(By.cssSelector(".qr svg")).getSize().getWidth()).isGreaterThan(150);
        onBothScreens("2fa-authenticator-setup");
        TotpSecret key = TotpSecret.parseBase32(browser.find(By.id("key")).getText()).orElseThrow();
        browser.click(button("Next"));
        browser.waitForPath("/signin/authenticator-setup-code");
        onBothScreens("2fa-authenticator-setup-code");
        browser.type(field("Security code"), phone.codeNow(key, 0));
        browser.click(button("Next"));

        // 4c. SMS backup: +46 by default; the code comes from the development outbox.
        browser.waitForPath("/signin/sms-backup");
        assertThat(new Select(browser.find(By.id("country"))).getFirstSelectedOption().getText()).isEqualTo("Sweden (+46)");
        onBothScreens("2fa-sms-backup");
        browser.type(field("Phone number"), mobile);
        browser.click(button("Next"));
        browser.waitForPath("/signin/sms-backup-code");
        onBothScreens("2fa-sms-backup-code");
        String confirmation = smsCodeFromTheOutbox();
        browser.open("/signin/sms-backup-code");
        browser.type(field("Security code"), confirmation);
        browser.click(button("Next"));

        // 4c. The emergency code: "Done" only once the box is ticked.
        browser.waitForPath("/signin/emergency-code-save");
        onBothScreens("2fa-emergency-code-save");
        WebElement done = browser.find(button("Done"));
        assertThat(done.isEnabled()).as("Done before the box is ticked").isFalse();
        String emergencyCode = browser.find(By.id("emergency-code")).getText();
        assertThat(emergencyCode).matches("([A-Z0-9]{4}-){4}[A-Z0-9]{4}");
        browser.click(checkbox("I have safely copied and stored this code."));
        assertThat(done.isEnabled()).isTrue();
        browser.click(button("Done"));
        browser.waitForUrlStartingWith(first.redirectUri + "?");
        signOut();

        // 5. With the authenticator app.
        OidcClient.Request withApp = signInWithPassword(person);
        browser.waitForPath("/signin/authenticator-code");
        onBothScreens("2fa-signin-authenticator-code");
        browser.type(field("Security code"), phone.codeNow(key, 1));
        browser.click(button("Next"));
        browser.waitForUrlStartingWith(withApp.redirectUri + "?");
        signOut();

        // 5. With an SMS code, through "Use another method".
        OidcClient.Request withSms = signInWithPassword(person);
        browser.waitForPath("/signin/authenticator-code");
        browser.click(button("Use another method"));
        browser.waitForPath("/signin/other-method");
        onBothScreens("2fa-signin-other-method");
        browser.click(By.cssSelector("button[value=SMS]"));
        browser.waitForPath("/signin/sms-code");
        onBothScreens("2fa-signin-sms-code");
        String smsCode = smsCodeFromTheOutbox();
        browser.open("/signin/sms-code");
        browser.type(field("Security code"), smsCode);
        browser.click(button("Next"));
        browser.waitForUrlStartingWith(withSms.redirectUri + "?");
        signOut();

        // 5. With the emergency code: it is spent, a new one is shown to save.
        OidcClient.Request withEmergency = signInWithPassword(person);
        useEmergencyCode(emergencyCode);
        assertThat(browser.text()).contains("Your emergency code is used up");
        onBothScreens("2fa-emergency-code-used");
        String newCode = browser.find(By.id("emergency-code")).getText();
        assertThat(newCode).isNotEqualTo(emergencyCode);
        assertThat(browser.find(button("Done")).isEnabled()).isFalse();
        browser.click(checkbox("I have safely copied and stored this code."));
        browser.click(button("Done"));
        browser.waitForUrlStartingWith(withEmergency.redirectUri + "?");
        signOut();

        // The old code no longer works; the new one turns 2FA off.
        OidcClient.Request turningOff = signInWithPassword(person);
        browser.waitForPath("/signin/authenticator-code");
        browser.click(button("Use another method"));
        browser.click(By.cssSelector("button[value=EMERGENCY_CODE]"));
        browser.waitForPath("/signin/emergency-code");
        browser.type(field("Emergency code"), emergencyCode);
        browser.click(button("Next"));
        assertThat(browser.find(By.cssSelector("[role=alert]")).getText())
                .isEqualTo("That emergency code is not right, or it was already used.");
        onBothScreens("2fa-signin-emergency-code-error");
        browser.type(field("Emergency code"), newCode);
        browser.click(button("Next"));
        browser.waitForPath("/signin/emergency-code-used");
        browser.click(button("Turn off two-factor authentication"));
        browser.waitForUrlStartingWith(turningOff.redirectUri + "?");
        signOut();

        // 2FA is off: the next sign-in asks to enable it.
        signInWithPassword(person);
        browser.waitForPath("/signin/two-factor");
    }

    private OidcClient.Request signInWithPassword(Account person) {
        return browser.signInWithPassword(person.email().value(), PASSWORD);
    }

    private void useEmergencyCode(String code) {
        browser.waitForPath("/signin/authenticator-code");
        browser.click(button("Use another method"));
        browser.waitForPath("/signin/other-method");
        browser.click(By.cssSelector("button[value=EMERGENCY_CODE]"));
        browser.waitForPath("/signin/emergency-code");
        onBothScreens("2fa-signin-emergency-code");
        browser.type(field("Emergency code"), code);
        browser.click(button("Next"));
        browser.waitForPath("/signin/emergency-code-used");
    }

    /** Reads the newest SMS code on the development outbox page, as a developer would. */
    private String smsCodeFromTheOutbox() {
        browser.open("/dev/outbox");
        Matcher code = SMS_CODE.matcher(browser.text());
        assertThat(code.find()).as("an SMS code on the outbox page:\n" + browser.text()).isTrue();
        return code.group(1);
    }

    private void signOut() {
        browser.signOut();
    }

    private void onBothScreens(String name) {
        for (Screen screen : Screen.values()) {
            browser.resize(screen);
            browser.checkScreen(name, screen);
        }
        browser.resize(Screen.DESKTOP);
    }
}
