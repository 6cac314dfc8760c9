package se.portvakt.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;

import se.portvakt.account.AccountStore;
import se.portvakt.account.EmailAddress;
import se.portvakt.delivery.outbox.DevOutbox;
import se.portvakt.testing.CaptchaSolver;
import se.portvakt.testing.HttpAgent;
import se.portvakt.testing.OidcClient;
import se.portvakt.testing.OnH2;
import se.portvakt.testing.OnPostgres;

/** Journey step 3 over HTTP: a person without a password gets a reset link and ends at the application. */
abstract class ForgotPasswordTest {

    @OnH2
    static class OnEmbeddedDatabase extends ForgotPasswordTest {}

    @OnPostgres
    static class OnPostgreSql extends ForgotPasswordTest {}

    private static final Pattern LINK = Pattern.compile("(http://localhost:\\d+/recovery/(reset|link)\\?token=[A-Za-z0-9_-]+)");

    @Value("${portvakt.issuer}")
    String issuer;

    @Autowired
    AccountStore accounts;

    @Autowired
    DevOutbox outbox;

    @Test
    void aPersonWithoutAPasswordSetsOneWithTheResetLinkAndReachesTheApplication() {
        String email = "reset." + System.nanoTime() + "@example.com";
        accounts.create(new EmailAddress(email), "Reset Person", true, null);
        HttpAgent browser = new HttpAgent(issuer).header("X-Forwarded-For", "198.51.100." + (System.nanoTime() % 200));
        OidcClient.Request request = OidcClient.web();

        browser.get(request.authorizationUrl());
        browser.get("/signin");
        browser.post("/signin", Map.of("email", email));
        HttpResponse<String> forgot = browser.get("/signin/forgot");
        assertThat(forgot.statusCode()).isEqualTo(200);
        assertThat(forgot.body()).contains("Reset password", "One-time sign in link", "Back to Sign in", "I&#39;m not a robot")
                .contains("value=\"" + email + "\"");

        HttpResponse<String> sent = browser.post("/signin/forgot",
                Map.of("email", email, "kind", "reset", "captcha", CaptchaSolver.solve(browser)));
        assertThat(sent.statusCode()).isEqualTo(200);
        assertThat(sent.body()).contains("Please check your email to set your new password.");

        String link = awaitLink(email, "/recovery/reset");
        HttpResponse<String> page = browser.get(link);
        assertThat(page.body()).contains("Change password");
        HttpResponse<String> done = browser.post("/recovery/reset",
                Map.of("token", token(link), "password", "a brand new passphrase", "confirm", "a brand new passphrase"));
        // A first login goes on like any sign-in: this person has no 2FA yet, so the 2FA prompt comes next.
        assertThat(HttpAgent.location(done)).endsWith("/signin/two-factor");
        HttpResponse<String> later = OidcClient.remindLaterIfAsked(browser, done);
        assertThat(HttpAgent.location(later)).contains("/oauth2/authorize");
        HttpResponse<String> toClient = browser.get(HttpAgent.location(later));
        assertThat(HttpAgent.location(toClient)).startsWith(request.redirectUri).contains("code=");

        URI again = OidcClient.signIn(new HttpAgent(issuer), OidcClient.web(), email, "a brand new passphrase");
        assertThat(OidcClient.param(again, "code")).isNotBlank();
    }

    private String awaitLink(String email, String path) {
        Instant until = Instant.now().plus(Duration.ofSeconds(10));
        while (Instant.now().isBefore(until)) {
            Optional<String> link = outbox.latest(50).stream()
                    .filter(m -> m.recipient().equals(email))
                    .map(m -> LINK.matcher(m.text()))
                    .filter(Matcher::find)
                    .map(m -> m.group(1))
                    .filter(l -> l.contains(path))
                    .findFirst();
            if (link.isPresent()) {
                return link.get();
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        throw new AssertionError("no mail with a " + path + " link reached " + email);
    }

    private static String token(String link) {
        return link.substring(link.indexOf("token=") + 6);
    }
}
