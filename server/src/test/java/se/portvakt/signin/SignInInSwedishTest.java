package se.portvakt.signin;

import static org.assertj.core.api.Assertions.assertThat;
import static se.portvakt.testing.Browser.button;
import static se.portvakt.testing.Browser.field;

import java.nio.file.Files;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.springframework.beans.factory.annotation.Autowired;

import se.portvakt.account.Account;
import se.portvakt.account.AccountStore;
import se.portvakt.authenticator.cli.Authenticator;
import se.portvakt.authenticator.cli.Outcome;
import se.portvakt.password.PasswordHasher;
import se.portvakt.testing.Browser;
import se.portvakt.testing.Browser.Screen;
import se.portvakt.testing.OidcClient;
import se.portvakt.testing.OnH2;
import se.portvakt.testing.TestPeople;

/** Swedish is the second language: a browser that asks for Swedish gets steps 1 and 2 in Swedish. */
@OnH2
class SignInInSwedishTest {

    @RegisterExtension
    static final Browser browser = Browser.perTestClass("sv");

    @Autowired
    AccountStore accounts;

    @Autowired
    PasswordHasher hasher;

    @Test
    void aSwedishBrowserSeesSwedishScreens() {
        browser.open(OidcClient.web().authorizationUrl());
        browser.waitForPath("/signin");
        assertThat(browser.find(By.tagName("html")).getDomAttribute("lang")).isEqualTo("sv");
        assertThat(browser.text()).contains("Logga in", "E-postadress", "Nästa",
                "Spara min e-postadress till nästa gång", "Rekommenderas inte på offentliga eller delade datorer");
        for (Screen screen : Screen.values()) {
            browser.resize(screen);
            browser.screenshot("sv-signin-identify", screen);
        }
        browser.checkAccessibility("sv-signin-identify");

        browser.type(field("E-postadress"), "signed.in@example.com");
        browser.click(button("Nästa"));
        browser.waitForPath("/signin/password");
        browser.type(field("Lösenord"), "not the password");
        browser.click(button("Logga in"));
        assertThat(browser.find(By.cssSelector("[role=alert]")).getText()).isEqualTo("E-postadressen eller lösenordet är fel.");
        assertThat(browser.text()).contains("Lösenord", "Glömt ditt lösenord?");
        for (Screen screen : Screen.values()) {
            browser.resize(screen);
            browser.screenshot("sv-signin-password-error", screen);
        }
        browser.checkAccessibility("sv-signin-password-error");
    }

    @Test
    void theTwoFactorScreensAreInSwedishToo() {
        Account person = TestPeople.newcomer(accounts, "svensk", hasher.hash("test password one"));
        browser.open(OidcClient.web().authorizationUrl());
        browser.waitForPath("/signin");
        browser.type(field("E-postadress"), person.email().value());
        browser.click(button("Nästa"));
        browser.waitForPath("/signin/password");
        browser.type(field("Lösenord"), "test password one");
        browser.click(button("Logga in"));
        browser.waitForPath("/signin/two-factor");
        assertThat(browser.text()).contains("Aktivera tvåfaktorsautentisering (2FA)", "Aktivera", "Påminn mig senare");
        photograph("sv-2fa-prompt");

        browser.click(button("Aktivera"));
        browser.waitForPath("/signin/get-started");
        assertThat(browser.text()).contains("Kom igång med 2FA", "Ladda ner appen genom att skanna QR-koden",
                "När du har installerat appen på din enhet väljer du \"Nästa\" på den här sidan.");
        photograph("sv-2fa-get-started");

        browser.click(button("Jag använder en annan autentiseringsapp"));
        browser.waitForPath("/signin/authenticator-setup");
        assertThat(browser.text()).contains("Konfigurera din autentiseringsapp", "Nästa");
        photograph("sv-2fa-authenticator-setup");
    }

    @Test
    void thePushScreensAreInSwedishToo() throws Exception {
        Account person = TestPeople.newcomer(accounts, "svensk.push", hasher.hash("test password one"));
        Authenticator phone = new Authenticator(Files.createTempDirectory("phone-").resolve("accounts.json"));
        signIn(person);
        browser.waitForPath("/signin/two-factor");
        browser.click(button("Aktivera"));
        browser.waitForPath("/signin/get-started");
        browser.click(button("Nästa"));
        browser.waitForPath("/signin/authenticator-pairing");
        assertThat(browser.text()).contains("Lägg till ditt konto i appen",
                "Skanna QR-koden med Portvakt Authenticator för att lägga till ditt konto", "Väntar på appen");
        photograph("sv-push-pairing");
        assertThat(phone.pair(browser.find(By.cssSelector(".qr")).getAttribute("data-link"), null, "Telefon",
                Optional.empty())).isInstanceOf(Outcome.Paired.class);
        browser.waitForPathOneOf("/signin/sms-backup", "/signin/emergency-code-save");
        browser.open("/signed-out");
        browser.clearCookies();

        signIn(person);
        browser.waitForPath("/signin/check-your-phone");
        assertThat(browser.text()).contains("Titta i din telefon", "Skicka igen", "Använd en annan metod");
        photograph("sv-push-check-your-phone");
        var account = phone.accounts().get(0);
        var request = ((Outcome.Requests) phone.pending(account)).requests().get(0);
        assertThat(phone.deny(account, request.id())).isInstanceOf(Outcome.Denied.class);
        browser.waitForText("Förfrågan nekades i din telefon.");
        photograph("sv-push-denied");
    }

    private static void signIn(Account person) {
        browser.open(OidcClient.web().authorizationUrl());
        browser.waitForPath("/signin");
        browser.type(field("E-postadress"), person.email().value());
        browser.click(button("Nästa"));
        browser.waitForPath("/signin/password");
        browser.type(field("Lösenord"), "test password one");
        browser.click(button("Logga in"));
    }

    private static void photograph(String name) {
        for (Screen screen : Screen.values()) {
            browser.resize(screen);
            browser.screenshot(name, screen);
        }
        browser.resize(Screen.DESKTOP);
        browser.checkAccessibility(name);
    }
}
