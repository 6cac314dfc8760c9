package se.portvakt.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static se.portvakt.testing.Browser.button;
import static se.portvakt.testing.Browser.field;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;

import se.portvakt.account.Account;
import se.portvakt.account.AccountStore;
import se.portvakt.password.PasswordHasher;
import se.portvakt.testing.Browser;
import se.portvakt.testing.Browser.Screen;
import se.portvakt.testing.HttpAgent;
import se.portvakt.testing.OidcClient;
import se.portvakt.testing.OnH2;
import se.portvakt.testing.TestPeople;
import se.portvakt.testing.TwoFactorPerson;
import se.portvakt.testing.TwoFactorPerson.Enrolled;

/**
 * The Flex HRM Mobile example signing in as a phone app does (RFC 8252), end to end: the command runs in its own
 * process against the started server and prints the sign-in address; Chromium plays the system browser (email,
 * password, the authenticator app's code) and follows the redirect to the command's loopback listener, which
 * answers "You can return to the app"; the command then prints the person, checked from the ID token, and two
 * refreshes, each with a new refresh token. An answer that is not this sign-in's ends the command with a sentence.
 */
@OnH2
class FlexHrmMobileInBrowserTest {

    private static final String CLIENT = "test-native";
    private static final String PASSWORD = "a long enough password";
    private static final Pattern ROTATED = Pattern.compile("refresh token rotated: (sha256:[0-9a-f]{12}) -> (sha256:[0-9a-f]{12})");

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
    void signsInWithTwoFactorInTheBrowserAndRefreshesWithARotatedToken() throws Exception {
        Account person = TestPeople.newcomer(accounts, "flex.mobile", hasher.hash(PASSWORD));
        TwoFactorPerson phone = new TwoFactorPerson(jdbc);
        Enrolled enrolled = enrolAuthenticatorApp(person, phone);

        try (FlexHrmMobileCommand command = FlexHrmMobileCommand.start(issuer, CLIENT)) {
            URI signIn = command.signInAddress();
            assertThat(signIn.toString()).startsWith(issuer + "/oauth2/authorize?")
                    .contains("client_id=" + CLIENT, "code_challenge_method=S256", "state=", "nonce=",
                            "scope=openid+email+profile+offline_access",
                            "redirect_uri=http%3A%2F%2F127.0.0.1%3A");
            assertThat(command.stdout()).contains("If the browser does not open, open this address yourself:");

            browser.open(signIn.toString());
            browser.waitForPath("/signin");
            browser.type(field("Email address"), person.email().value());
            browser.click(button("Next"));
            browser.waitForPath("/signin/password");
            browser.type(field("Password"), PASSWORD);
            browser.click(button("Sign in"));
            browser.waitForPath("/signin/authenticator-code");
            browser.type(field("Security code"), phone.codeNow(enrolled.key(), 1));
            browser.click(button("Next"));

            browser.waitForUrlStartingWith("http://127.0.0.1:");
            assertThat(URI.create(browser.currentUrl()).getPath()).isEqualTo("/callback");
            browser.waitForText("You can return to the app");
            assertThat(browser.text()).contains("Flex HRM Mobile", "You're signed in to Flex HRM Mobile.");
            onBothScreens("flex-hrm-mobile-return-to-app");

            assertThat(command.exitCode()).as(command.output()).isZero();
            String out = command.stdout();
            assertThat(out).contains("Signed in to Flex HRM Mobile.",
                    "  name:       Test flex.mobile",
                    "  email:      " + person.email().value() + " (verified)",
                    "  amr:        pwd otp mfa",
                    "  acr:        urn:portvakt:acr:2fa",
                    "  auth_time:  ",
                    "  ID token:   checked (signature against the provider's keys, issuer, audience, nonce)",
                    "  access token expires ");
            Matcher rotated = ROTATED.matcher(out);
            assertThat(rotated.find()).as(out).isTrue();
            String first = rotated.group(1);
            String second = rotated.group(2);
            assertThat(second).isNotEqualTo(first);
            assertThat(rotated.find()).as("a second refresh, with the new token: " + out).isTrue();
            assertThat(rotated.group(1)).isEqualTo(second);
            assertThat(rotated.group(2)).isNotIn(first, second);
            assertThat(out).contains("  refresh token: " + first);
            assertThat(command.stderr()).isEmpty();
        }
    }

    @Test
    void anAnswerWithAnotherSignInsStateIsNotUsed() throws Exception {
        Account person = TestPeople.account(accounts, "flex.mobile.state", hasher.hash(PASSWORD));
        try (FlexHrmMobileCommand command = FlexHrmMobileCommand.start(issuer, CLIENT)) {
            String state = OidcClient.param(command.signInAddress(), "state");
            // Someone else's request to the same loopback address: all as the command's, but another state.
            String tampered = command.signInAddress().toString().replace("state=" + state, "state=not-" + state);

            browser.open(tampered);
            browser.waitForPath("/signin");
            browser.type(field("Email address"), person.email().value());
            browser.click(button("Next"));
            browser.waitForPath("/signin/password");
            browser.type(field("Password"), PASSWORD);
            browser.click(button("Sign in"));
            browser.waitForUrlStartingWith("http://127.0.0.1:");
            assertThat(OidcClient.param(URI.create(browser.currentUrl()), "code")).as("Portvakt gave a code").isNotNull();
            browser.waitForText("This sign-in was not expected");
            onBothScreens("flex-hrm-mobile-not-expected");

            assertThat(command.exitCode()).as(command.output()).isEqualTo(1);
            assertThat(command.stderr()).isEqualTo("flex-hrm-mobile: the browser came back with an answer to another"
                    + " sign-in (its state did not match this one's), so it was not used. Run the command again.\n");
            assertThat(command.stdout()).doesNotContain("Signed in");
        }
    }

    @Test
    void aSignInThePersonCancelsEndsTheCommandWithASentence() throws Exception {
        try (FlexHrmMobileCommand command = FlexHrmMobileCommand.start(issuer, CLIENT)) {
            URI signIn = command.signInAddress();
            // What a provider with a "Cancel" answers (RFC 6749 4.1.2.1), with this sign-in's state.
            String redirectUri = URLDecoder.decode(OidcClient.param(signIn, "redirect_uri"), StandardCharsets.UTF_8);
            URI redirect = URI.create(redirectUri + "?error=access_denied"
                    + "&error_description=The+person+cancelled%1B%5B31m&state=" + OidcClient.param(signIn, "state"));

            browser.open(redirect.toString());
            browser.waitForText("Sign-in not completed");
            assertThat(browser.text()).contains("Return to the app: it says what happened.");

            assertThat(command.exitCode()).as(command.output()).isEqualTo(1);
            assertThat(command.stderr()).isEqualTo("flex-hrm-mobile: the sign-in was cancelled or refused in the browser"
                    + " (access_denied: The person cancelled[31m).\n");
            assertThat(command.stderr()).as("no terminal escape from the address").doesNotContain("\u001b");
        }
    }

    @Test
    void anErrorFromPortvaktOnTheRedirectEndsTheCommandWithASentence() throws Exception {
        try (FlexHrmMobileCommand command = FlexHrmMobileCommand.start(issuer, CLIENT, "--no-refresh")) {
            // A silent sign-in without a session: Portvakt answers login_required on the redirect, in this browser.
            browser.open(command.signInAddress() + "&prompt=none");
            browser.waitForText("Sign-in not completed");
            assertThat(OidcClient.param(URI.create(browser.currentUrl()), "error")).isEqualTo("login_required");

            assertThat(command.exitCode()).as(command.output()).isEqualTo(1);
            assertThat(command.stderr()).startsWith("flex-hrm-mobile: the sign-in needs the person in the browser (login_required");
            assertThat(command.stderr()).doesNotContain("Exception", "\tat ");
        }
    }

    private static void onBothScreens(String name) {
        browser.resize(Screen.PHONE);
        browser.checkScreen(name, Screen.PHONE);
        browser.resize(Screen.DESKTOP);
        browser.checkScreen(name, Screen.DESKTOP);
    }

    /** The person sets up the authenticator app in an earlier sign-in (over HTTP), as people with 2FA have. */
    private Enrolled enrolAuthenticatorApp(Account person, TwoFactorPerson phone) {
        HttpAgent earlier = TestPeople.browser(issuer);
        earlier.get(HttpAgent.location(earlier.get(OidcClient.web().authorizationUrl())));
        earlier.post("/signin", Map.of("email", person.email().value()));
        earlier.post("/signin/password", Map.of("password", PASSWORD));
        return phone.enrol(earlier, null);
    }
}
