package se.portvakt.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;

import se.portvakt.testing.CaptchaSolver;
import se.portvakt.testing.HttpAgent;
import se.portvakt.testing.OidcClient;
import se.portvakt.testing.OnH2;
import se.portvakt.testing.OnPostgres;
import se.portvakt.testing.TestPeople;

/** Journey step 3: the recovery screen and the page after either button say exactly what the user guide says. */
abstract class RecoveryScreenTest {

    @OnH2
    static class OnEmbeddedDatabase extends RecoveryScreenTest {}

    @OnPostgres
    static class OnPostgreSql extends RecoveryScreenTest {}

    @Value("${portvakt.issuer}")
    String issuer;

    @Test
    void forgotYourPasswordShowsTheGuidesTextsWithTheEmailFilledIn() {
        String email = TestPeople.uniqueEmail("screen");
        HttpAgent browser = TestPeople.browser(issuer);
        browser.get(HttpAgent.location(browser.get(OidcClient.web().authorizationUrl())));
        browser.post("/signin", Map.of("email", email));

        HttpResponse<String> page = browser.get("/signin/forgot");

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body())
                .contains("Enter your email address and click a button below to receive an email with your option.")
                .contains(">Email address</label>")
                .contains("value=\"" + email + "\"")
                .contains("I&#39;m not a robot")
                .contains("<span>Reset password</span>")
                .contains("<span>One-time sign in link</span>")
                .contains(">Back to Sign in</a>")
                .contains("name=\"kind\" value=\"reset\"")
                .contains("name=\"kind\" value=\"link\"");
        // The lock icon comes before "Reset password", the link icon before "One-time sign in link".
        assertThat(page.body().indexOf("<rect")).isLessThan(page.body().indexOf("Reset password"));
        assertThat(page.body().indexOf("stroke-linecap=\"round\"")).isBetween(page.body().indexOf("Reset password"),
                page.body().indexOf("One-time sign in link"));
    }

    @Test
    void withoutASignInTheEmailFieldIsEmpty() {
        HttpResponse<String> page = TestPeople.browser(issuer).get("/signin/forgot");

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("name=\"email\"").contains("value=\"\"");
    }

    @Test
    void eitherButtonLeadsToCheckYourEmail() {
        for (String kind : new String[] {"reset", "link"}) {
            HttpAgent browser = TestPeople.browser(issuer);
            browser.get("/signin/forgot");
            HttpResponse<String> sent = browser.post("/signin/forgot", Map.of("email", TestPeople.uniqueEmail("screen"),
                    "kind", kind, "captcha", CaptchaSolver.solve(browser)));

            assertThat(sent.statusCode()).isEqualTo(200);
            assertThat(sent.body()).contains("Please check your email to set your new password.")
                    .contains("If you have not received the email within a few minutes you have either input an email "
                            + "address that does not match the records we have for your account or the email might be "
                            + "caught in your spam filter.")
                    .contains(">Back to Sign in</a>");
        }
    }
}
