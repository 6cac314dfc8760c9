package se.portvakt.signin.push;

import static org.assertj.core.api.Assertions.assertThat;
import static se.portvakt.testing.Browser.button;
import static se.portvakt.testing.Browser.checkbox;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;

import se.portvakt.account.Account;
import se.portvakt.account.AccountStore;
import se.portvakt.authenticator.cli.Authenticator;
import se.portvakt.authenticator.cli.Outcome;
import se.portvakt.authenticator.cli.PendingRequest;
import se.portvakt.password.PasswordHasher;
import se.portvakt.testing.Browser;
import se.portvakt.testing.Browser.Screen;
import se.portvakt.testing.HttpAgent;
import se.portvakt.testing.OidcClient;
import se.portvakt.testing.OnH2;
import se.portvakt.testing.TestPeople;
import tools.jackson.databind.JsonNode;

/**
 * Journey steps 4a and 5 in headless Chromium with the command-line Portvakt Authenticator as the phone: get
 * started, pair by the code behind the QR code (the page moves on by itself), skip SMS, save the emergency code;
 * then sign in again and approve the number the browser shows, arriving at the application with {@code swk} in
 * {@code amr}; deny, tap a wrong number, let a request expire, and "Send again". Every new screen is photographed
 * at desktop and phone widths.
 */
@OnH2
class PushApprovalInBrowserTest {

    private static final String PASSWORD = "a long enough password";

    @RegisterExtension
    static final Browser browser = Browser.perTestClass();

    @Value("${portvakt.issuer}")
    String issuer;

    @Autowired
    AccountStore accounts;

    @Autowired
    PasswordHasher hasher;

    @Autowired
    JdbcClient jdbc;

    @Test
    void setsUpPushThenApprovesDeniesTapsAWrongNumberAndLetsARequestExpire() throws Exception {
        Account person = TestPeople.newcomer(accounts, "browser.push", hasher.hash(PASSWORD));
        Authenticator phone = new Authenticator(Files.createTempDirectory("phone-").resolve("accounts.json"));

        // 4 and 4a: "Enable", then "Get started with 2FA".
        OidcClient.Request first = signInWithPassword(person);
        browser.waitForPath("/signin/two-factor");
        browser.click(button("Enable"));
        browser.waitForPath("/signin/get-started");
        assertThat(browser.text()).contains("Get started with 2FA", "Download app by scanning QR code",
                "After you install the app on your device, choose \"Next\" in this screen.", "I use another Authenticator app");
        assertThat(browser.find(By.cssSelector(".qr svg")).getSize().getWidth()).isGreaterThan(150);
        onBothScreens("push-get-started");
        browser.click(button("Next"));

        // The pairing page: the phone pairs with the code behind the QR code; the page notices by itself.
        browser.waitForPath("/signin/authenticator-pairing");
        assertThat(browser.text()).contains("Scan the QR code with Portvakt Authenticator to add your account",
                "Waiting for the app");
        onBothScreens("push-pairing");
        String qrLink = browser.find(By.cssSelector(".qr")).getAttribute("data-link");
        String code = browser.find(By.id("pairing-code")).getText();
        assertThat(qrLink).isEqualTo(issuer + "/authenticator/#pair=" + code.replace("-", ""));
        Outcome paired = phone.pair(qrLink, null, "Test phone", Optional.empty());
        assertThat(paired).isInstanceOf(Outcome.Paired.class);
        browser.waitForPathOneOf("/signin/sms-backup", "/signin/emergency-code-save");
        if (browser.currentUrl().endsWith("/signin/sms-backup")) {
            browser.click(button("Skip"));
        }
        browser.waitForPath("/signin/emergency-code-save");
        browser.click(checkbox("I have safely copied and stored this code."));
        browser.click(button("Done"));
        browser.waitForUrlStartingWith(first.redirectUri + "?");
        signOut();

        // 5. Sign in again: "Check your phone" with the number; the phone approves with it.
        OidcClient.Request second = signInWithPassword(person);
        browser.waitForPath("/signin/check-your-phone");
        onBothScreens("push-check-your-phone");
        String shown = browser.find(By.cssSelector(".number")).getText();
        PendingRequest request = onlyRequest(phone);
        assertThat(request.numbers()).contains(Integer.parseInt(shown));
        assertThat(phone.approve(account(phone), request.id(), Integer.parseInt(shown))).isInstanceOf(Outcome.Approved.class);
        String callback = browser.waitForUrlStartingWith(second.redirectUri + "?");
        assertThat(idToken(second, callback).get("amr").toString()).contains("\"swk\"", "\"mfa\"");
        signOut();

        // Denied on the phone: the page says so by itself.
        OidcClient.Request third = signInWithPassword(person);
        browser.waitForPath("/signin/check-your-phone");
        assertThat(phone.deny(account(phone), onlyRequest(phone).id())).isInstanceOf(Outcome.Denied.class);
        browser.waitForText("The request was denied on your phone.");
        onBothScreens("push-denied");

        // "Send again", and a wrong number: a denial too.
        browser.click(button("Send again"));
        browser.waitForText("Check your phone");
        int number = Integer.parseInt(browser.find(By.cssSelector(".number")).getText());
        PendingRequest again = onlyRequest(phone);
        int wrong = again.numbers().stream().filter(n -> n != number).findFirst().orElseThrow();
        assertThat(phone.approve(account(phone), again.id(), wrong)).isInstanceOf(Outcome.WrongNumber.class);
        browser.waitForText("The request was denied on your phone.");

        // "Send again", and the request expires unanswered.
        browser.click(button("Send again"));
        browser.find(By.cssSelector(".number"));
        PendingRequest late = onlyRequest(phone);
        jdbc.sql("UPDATE push_request SET expires_at = :past WHERE id = :id")
                .param("past", OffsetDateTime.now(ZoneOffset.UTC).minusSeconds(1)).param("id", late.id()).update();
        browser.waitForText("The request expired before it was approved.");
        onBothScreens("push-expired");

        // "Send again", approved this time.
        browser.click(button("Send again"));
        int last = Integer.parseInt(browser.find(By.cssSelector(".number")).getText());
        assertThat(phone.approve(account(phone), onlyRequest(phone).id(), last)).isInstanceOf(Outcome.Approved.class);
        browser.waitForUrlStartingWith(third.redirectUri + "?");
    }

    private se.portvakt.authenticator.cli.Account account(Authenticator phone) {
        return phone.accounts().get(0);
    }

    private PendingRequest onlyRequest(Authenticator phone) {
        Outcome outcome = phone.pending(account(phone));
        assertThat(outcome).isInstanceOf(Outcome.Requests.class);
        List<PendingRequest> requests = ((Outcome.Requests) outcome).requests();
        assertThat(requests).hasSize(1);
        return requests.get(0);
    }

    private JsonNode idToken(OidcClient.Request request, String callback) {
        HttpResponse<String> tokens = new HttpAgent(issuer)
                .header("Authorization", OidcClient.basic("test-web", "test-web-secret"))
                .post("/oauth2/token", OidcClient.codeExchange(request, OidcClient.param(URI.create(callback), "code")));
        assertThat(tokens.statusCode()).as(tokens.body()).isEqualTo(200);
        return OidcClient.claims(OidcClient.json(tokens).get("id_token").asString());
    }

    private OidcClient.Request signInWithPassword(Account person) {
        return browser.signInWithPassword(person.email().value(), PASSWORD);
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
