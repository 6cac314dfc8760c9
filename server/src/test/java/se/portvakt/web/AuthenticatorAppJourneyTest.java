package se.portvakt.web;

import static org.assertj.core.api.Assertions.assertThat;
import static se.portvakt.testing.Browser.button;
import static se.portvakt.testing.Browser.checkbox;
import static se.portvakt.web.AuthenticatorAppScreens.numberButton;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;

import se.portvakt.account.Account;
import se.portvakt.account.AccountStore;
import se.portvakt.password.PasswordHasher;
import se.portvakt.testing.Browser;
import se.portvakt.testing.OidcClient;
import se.portvakt.testing.OnH2;
import se.portvakt.testing.TestPeople;

/**
 * Journey steps 4a and 5 with two browsers, as a person has them: the computer's, which signs in to an application,
 * and the phone's, running Portvakt Authenticator. The phone opens the link behind the pairing page's QR code and
 * accepts; the computer's page moves on by itself; later the phone taps the number the computer shows and the
 * computer arrives at the application.
 */
@OnH2
class AuthenticatorAppJourneyTest {

    private static final String PASSWORD = "a long enough password";

    @RegisterExtension
    static final Browser computer = Browser.perTestClass();

    @RegisterExtension
    static final Browser phone = Browser.perTestClass();

    @Value("${portvakt.issuer}")
    String issuer;

    @Autowired
    AccountStore accounts;

    @Autowired
    PasswordHasher hasher;

    @Test
    void thePhonePairsByTheQrCodeThenApprovesTheNumberTheComputerShows() {
        Account person = TestPeople.newcomer(accounts, "app.journey", hasher.hash(PASSWORD));
        new AuthenticatorAppScreens(phone).open(issuer);

        // 4a on the computer: "Enable", "Get started with 2FA", "Next", the pairing page.
        OidcClient.Request first = computer.signInWithPassword(person.email().value(), PASSWORD);
        computer.waitForPath("/signin/two-factor");
        computer.click(button("Enable"));
        computer.waitForPath("/signin/get-started");
        computer.click(button("Next"));
        computer.waitForPath("/signin/authenticator-pairing");
        String qrLink = computer.find(By.cssSelector(".qr")).getAttribute("data-link");

        // On the phone: the camera opens the QR code's link in the app; "Accept".
        phone.open(qrLink);
        phone.click(button("Accept"));
        assertThat(phone.find(By.id("done-text")).getText()).startsWith(person.email().value() + " is now on this device.");

        // The computer noticed by itself and goes on: SMS skipped, the emergency code saved, the application.
        computer.waitForPathOneOf("/signin/sms-backup", "/signin/emergency-code-save");
        if (computer.currentUrl().endsWith("/signin/sms-backup")) {
            computer.click(button("Skip"));
        }
        computer.waitForPath("/signin/emergency-code-save");
        computer.click(checkbox("I have safely copied and stored this code."));
        computer.click(button("Done"));
        computer.waitForUrlStartingWith(first.redirectUri + "?");
        computer.signOut();

        // 5: the next sign-in waits for the phone, which finds the request and taps the computer's number.
        phone.click(button("Done"));
        OidcClient.Request second = computer.signInWithPassword(person.email().value(), PASSWORD);
        computer.waitForPath("/signin/check-your-phone");
        int shown = Integer.parseInt(computer.find(By.cssSelector(".number")).getText());
        phone.click(numberButton(shown));
        assertThat(phone.find(By.cssSelector(".request .outcome")).getText())
                .isEqualTo("Approved. Go back to your browser: you are being signed in.");
        computer.waitForUrlStartingWith(second.redirectUri + "?");
    }
}
