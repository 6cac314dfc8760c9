package se.portvakt.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;

import se.portvakt.account.AccountStore;
import se.portvakt.testing.CaptchaSolver;
import se.portvakt.testing.HttpAgent;
import se.portvakt.testing.OnH2;
import se.portvakt.testing.OnPostgres;
import se.portvakt.testing.TestPeople;

/**
 * "A missing or failed CAPTCHA gets a clear message and sends nothing" (issue 4), and a malformed address is
 * pointed out on the page instead of being sent anywhere.
 */
abstract class RobotCheckOnRecoveryTest {

    @OnH2
    static class OnEmbeddedDatabase extends RobotCheckOnRecoveryTest {}

    @OnPostgres
    static class OnPostgreSql extends RobotCheckOnRecoveryTest {}

    private static final String NOT_A_ROBOT = "Please confirm that you are not a robot.";

    @Value("${portvakt.issuer}")
    String issuer;

    @Autowired
    AccountStore accounts;

    @Autowired
    JdbcClient jdbc;

    @Test
    void aMissingOrWrongCaptchaIsPointedOutAndNothingIsSent() {
        Mailbox mailbox = new Mailbox(jdbc);
        String email = TestPeople.account(accounts, "robot", null).email().value();
        HttpAgent browser = TestPeople.browser(issuer);
        browser.get("/signin/forgot");

        HttpResponse<String> missing = browser.post("/signin/forgot", Map.of("email", email, "kind", "reset"));
        HttpResponse<String> empty = browser.post("/signin/forgot", Map.of("email", email, "kind", "link", "captcha", ""));
        HttpResponse<String> wrong = browser.post("/signin/forgot", Map.of("email", email, "kind", "reset",
                "captcha", "eyJhbGdvcml0aG0iOiJTSEEtMjU2In0="));

        for (HttpResponse<String> page : List.of(missing, empty, wrong)) {
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains(NOT_A_ROBOT).contains("value=\"" + email + "\"")
                    .doesNotContain("Please check your email");
        }
        // Then a real request: its mail is the only one, and the audit log has the three refusals before it.
        mailbox.askAndAwait(browser, email, "reset");
        assertThat(mailbox.mails(email)).hasSize(1);
        assertThat(mailbox.awaitAudit(email, "recovery.reset.sent success")).containsExactly(
                "recovery.captcha failure", "recovery.captcha failure", "recovery.captcha failure",
                "recovery.reset.sent success");
    }

    @Test
    void aSolvedCaptchaWorksOnlyOnce() {
        Mailbox mailbox = new Mailbox(jdbc);
        String email = TestPeople.account(accounts, "replay", null).email().value();
        HttpAgent browser = TestPeople.browser(issuer);
        browser.get("/signin/forgot");
        String solution = CaptchaSolver.solve(browser);
        HttpResponse<String> first = browser.post("/signin/forgot", Map.of("email", email, "kind", "reset", "captcha", solution));
        assertThat(first.body()).contains("Please check your email");
        mailbox.awaitMails(email, 1);

        browser.get("/signin/forgot");
        HttpResponse<String> replayed = browser.post("/signin/forgot", Map.of("email", email, "kind", "reset", "captcha", solution));

        assertThat(replayed.body()).contains(NOT_A_ROBOT).doesNotContain("Please check your email");
        mailbox.askAndAwait(browser, email, "link");
        assertThat(mailbox.subjects(email)).containsExactly("Set your new password", "Your sign-in link");
        assertThat(mailbox.awaitAudit(email, "recovery.link.sent success")).containsExactly(
                "recovery.reset.sent success", "recovery.captcha failure", "recovery.link.sent success");
    }

    @Test
    void aMalformedAddressIsPointedOutAndNothingIsSent() {
        HttpAgent browser = TestPeople.browser(issuer);
        browser.get("/signin/forgot");
        for (String email : new String[] {"", "not-an-email", "two@@example.com", "a@b@example.com"}) {
            Map<String, String> form = new HashMap<>(Map.of("email", email, "kind", "reset"));
            form.put("captcha", CaptchaSolver.solve(browser));

            HttpResponse<String> page = browser.post("/signin/forgot", form);

            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("Enter your email address, for example name@company.com.")
                    .doesNotContain("Please check your email");
            assertThat(new Mailbox(jdbc).mails(email)).isEmpty();
        }
    }

    @Test
    void noButtonChosenIsPointedOut() {
        HttpAgent browser = TestPeople.browser(issuer);
        browser.get("/signin/forgot");
        HttpResponse<String> page = browser.post("/signin/forgot", Map.of("email", TestPeople.uniqueEmail("nobutton"),
                "captcha", CaptchaSolver.solve(browser)));

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("Choose &quot;Reset password&quot; or &quot;One-time sign in link&quot;.");
    }
}
