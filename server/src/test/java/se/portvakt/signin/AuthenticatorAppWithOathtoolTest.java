package se.portvakt.signin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;

import se.portvakt.account.Account;
import se.portvakt.account.AccountStore;
import se.portvakt.factor.totp.TotpSecret;
import se.portvakt.password.PasswordHasher;
import se.portvakt.testing.HttpAgent;
import se.portvakt.testing.Oathtool;
import se.portvakt.testing.OidcClient;
import se.portvakt.testing.OnH2;
import se.portvakt.testing.OnPostgres;
import se.portvakt.testing.TestPeople;
import se.portvakt.testing.TwoFactorPerson;

/**
 * An authenticator app that nobody here wrote, OATH Toolkit's {@code oathtool}, is given the key from the set-up
 * page: the codes it computes set up 2FA and sign in, and a code it showed once is refused the second time.
 */
abstract class AuthenticatorAppWithOathtoolTest {

    @OnH2
    static class OnEmbeddedDatabase extends AuthenticatorAppWithOathtoolTest {}

    @OnPostgres
    static class OnPostgreSql extends AuthenticatorAppWithOathtoolTest {}

    private static final String PASSWORD = "a long enough password";

    @Value("${portvakt.issuer}")
    String issuer;

    @Autowired
    AccountStore accounts;

    @Autowired
    PasswordHasher hasher;

    @Test
    void oathtoolsCodesSetUpAndSignInAndAReplayedOneIsRefused() {
        Account person = TestPeople.newcomer(accounts, "oathtool", hasher.hash(PASSWORD));
        HttpAgent setUp = TestPeople.browser(issuer);
        assertThat(HttpAgent.location(password(setUp, person))).endsWith("/signin/two-factor");
        setUp.post("/signin/two-factor", Map.of("action", "enable"));
        setUp.post("/signin/get-started", Map.of("action", "other-app")); // 4b, not the push app
        TotpSecret key = TwoFactorPerson.keyOn(setUp.get("/signin/authenticator-setup").body());
        setUp.post("/signin/authenticator-setup", Map.of());
        HttpResponse<String> confirmed = setUp.post("/signin/authenticator-setup-code",
                Map.of("code", Oathtool.totp(key.base32())));
        assertThat(HttpAgent.location(confirmed)).endsWith("/signin/sms-backup");
        setUp.post("/signin/sms-backup", Map.of("action", "skip"));
        String emergencyCode = TwoFactorPerson.emergencyCodeOn(setUp.get("/signin/emergency-code-save").body());
        assertThat(HttpAgent.location(setUp.post("/signin/emergency-code-save",
                Map.of("code", emergencyCode, "stored", "on", "action", "done")))).contains("/oauth2/authorize");

        // The app's next code (30 s on) signs in; the same code a second time does not.
        String next = Oathtool.totp("--now", "@" + (Instant.now().getEpochSecond() + 30), key.base32());
        HttpAgent browser = TestPeople.browser(issuer);
        assertThat(HttpAgent.location(password(browser, person))).endsWith("/signin/authenticator-code");
        assertThat(HttpAgent.location(browser.post("/signin/authenticator-code", Map.of("code", next))))
                .contains("/oauth2/authorize");

        HttpAgent replaying = TestPeople.browser(issuer);
        password(replaying, person);
        HttpResponse<String> replayed = replaying.post("/signin/authenticator-code", Map.of("code", next));
        assertThat(replayed.statusCode()).isEqualTo(200);
        assertThat(replayed.body()).contains("That code is not right.");
    }

    private HttpResponse<String> password(HttpAgent browser, Account person) {
        browser.get(HttpAgent.location(browser.get(OidcClient.web().authorizationUrl())));
        browser.post("/signin", Map.of("email", person.email().value()));
        browser.get("/signin/password");
        return browser.post("/signin/password", Map.of("password", PASSWORD));
    }
}
