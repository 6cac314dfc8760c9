package se.portvakt.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static se.portvakt.testing.Browser.button;
import static se.portvakt.testing.Browser.checkbox;
import static se.portvakt.testing.Browser.field;
import static se.portvakt.testing.Browser.link;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.springframework.jdbc.core.simple.JdbcClient;

import se.portvakt.account.Account;
import se.portvakt.account.AccountStore;
import se.portvakt.factor.totp.TotpSecret;
import se.portvakt.password.PasswordHasher;
import se.portvakt.testing.Browser;
import se.portvakt.testing.Browser.Screen;
import se.portvakt.testing.TestDatabase;
import se.portvakt.testing.TestPeople;
import se.portvakt.testing.TestServer;
import se.portvakt.testing.TwoFactorPerson;

/**
 * The README's run command's promise, in Chromium: a person opens Flex HRM (the example web application, its own
 * jar in its own process), signs in through Portvakt's journey, is greeted with what the application received,
 * opens Payroll (two-factor: Portvakt asks for the second factor and nothing else) and signs out of both; a session
 * that ends at Portvakt (its own sign-out, an operator's) ends in the example too, by Back-Channel Logout. Every
 * page of the example is photographed at both widths and checked with axe-core.
 */
class FlexHrmWebInBrowserTest {

    private static final String PASSWORD = "flex hrm example password";

    private static TestServer portvakt;
    private static ExampleApplication flexHrm;
    private static Browser browser;

    @BeforeAll
    static void startPortvaktAndTheExample() throws IOException {
        int port = TestDatabase.freePort();
        String example = "http://localhost:" + port;
        portvakt = TestServer.onNewH2(Map.of("portvakt.bootstrap", "file:" + bootstrap(example)));
        flexHrm = ExampleApplication.start("flex-hrm-web", port,
                List.of("--spring.security.oauth2.client.provider.portvakt.issuer-uri=" + portvakt.issuer()));
        browser = Browser.startedFor(portvakt.issuer());
    }

    @AfterAll
    static void stop() {
        try {
            if (browser != null) {
                browser.close();
            }
        } finally {
            try {
                if (flexHrm != null) {
                    flexHrm.close();
                }
            } finally {
                if (portvakt != null) {
                    portvakt.close();
                }
            }
        }
    }

    @Test
    void signsInIsGreetedStepsUpForPayrollAndSignsOut() {
        browser.clearCookies();
        Account person = TestPeople.account(portvakt.bean(AccountStore.class), "flex.hrm",
                portvakt.bean(PasswordHasher.class).hash(PASSWORD));

        browser.open(flexHrm.base() + "/");
        assertThat(browser.text()).contains("Welcome to Flex HRM", "Sign in");
        onBothScreens("example-home");

        // Sign in: Portvakt's journey, with the application's look.
        browser.click(link("Sign in"));
        browser.waitForPath("/signin");
        assertThat(browser.text()).contains("Sign in to Flex HRM");
        enterEmailAndPassword(person);

        // The greeting, with what the ID token said.
        browser.waitForUrlStartingWith(flexHrm.base() + "/hello");
        assertThat(browser.text()).contains("Hello, " + person.name(), person.email().value(), "pwd",
                "urn:portvakt:acr:1fa", "Signed in at", "ID token expires", "Access token expires");
        onBothScreens("example-hello");
        // The example's other pages, as they look: the refusal after a step-up without two-factor (StepUpTest in the
        // example's module shows when it comes), and its error page.
        browser.open(flexHrm.base() + "/payroll/refused");
        assertThat(browser.text()).contains("Payroll needs two-factor authentication", "urn:portvakt:acr:1fa", "Try again");
        onBothScreens("example-payroll-refused");
        browser.open(flexHrm.base() + "/no-such-page");
        assertThat(browser.text()).contains("Something went wrong", "(404)");
        onBothScreens("example-error");
        browser.open(flexHrm.base() + "/hello");

        // Payroll needs two-factor: back to Portvakt with acr_values, which asks for the second factor (this person
        // has none yet: to set one up) and nothing else, then back to Payroll.
        browser.click(link("Payroll"));
        String asked = browser.waitForUrlStartingWithOneOf(portvakt.issuer() + "/signin", flexHrm.base() + "/payroll");
        assertThat(asked).as("the step-up asks for the second factor only, and this person has none yet:\n%s",
                browser.text()).isEqualTo(portvakt.issuer() + "/signin/two-factor");
        TotpSecret key = setUpAnAuthenticatorApp();
        // Spring's saved request: /payroll?continue.
        browser.waitForUrlStartingWith(flexHrm.base() + "/payroll?");
        assertThat(browser.text()).contains("Payroll", "urn:portvakt:acr:2fa", "Payslip for " + person.name());
        onBothScreens("example-payroll");
        browser.click(link("Home"));
        assertThat(browser.text()).contains("urn:portvakt:acr:2fa", "otp");

        // Sign out: RP-initiated logout at Portvakt, back to the example's home; both sessions are over.
        browser.click(button("Sign out"));
        browser.waitForUrl(flexHrm.base() + "/");
        assertThat(browser.text()).contains("Welcome to Flex HRM", "Sign in");
        browser.click(link("Sign in"));
        browser.waitForPath("/signin");
        assertThat(browser.text()).contains("Sign in to Flex HRM");

        // Signed in with both factors from the start, Payroll opens without a detour.
        enterEmailAndPassword(person);
        browser.waitForPath("/signin/authenticator-code");
        browser.type(field("Security code"), twoFactor().codeNow(key, 1));
        browser.click(button("Next"));
        browser.waitForUrlStartingWith(flexHrm.base() + "/hello");
        browser.click(link("Payroll"));
        browser.waitForUrl(flexHrm.base() + "/payroll");
        assertThat(browser.text()).contains("Payslip for " + person.name());
    }

    @Test
    void signingOutAtPortvaktEndsTheExamplesSessionToo() {
        signedInToTheExample("flex.hrm.signout");

        // Portvakt's own "Sign out" (as another application's would): Portvakt tells Flex HRM over the back channel.
        browser.signOut();
        awaitSignedOutOfTheExample();
    }

    @Test
    void anOperatorEndingThePersonsSessionsEndsTheExamplesSession() throws Exception {
        Account person = signedInToTheExample("flex.hrm.operator");

        HttpResponse<String> ended = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(portvakt.issuer() + "/actuator/signout"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"account\": \"" + person.email().value() + "\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(ended.statusCode()).as(ended.body()).isEqualTo(200);
        awaitSignedOutOfTheExample();
    }

    /** A new person (no 2FA, reminded recently), signed in to the example from a browser without cookies. */
    private static Account signedInToTheExample(String who) {
        browser.clearCookies();
        Account person = TestPeople.account(portvakt.bean(AccountStore.class), who,
                portvakt.bean(PasswordHasher.class).hash(PASSWORD));
        browser.open(flexHrm.base() + "/hello");
        browser.waitForPath("/signin");
        enterEmailAndPassword(person);
        browser.waitForUrlStartingWith(flexHrm.base() + "/hello");
        assertThat(browser.text()).contains("Hello, " + person.name());
        return person;
    }

    /**
     * Flex HRM forgets the sign-in once Portvakt's logout token arrives (sent from a queue, within seconds): its
     * greeting then needs a new sign-in at Portvakt, whose own session is over too.
     */
    private static void awaitSignedOutOfTheExample() {
        Instant until = Instant.now().plus(Duration.ofSeconds(20));
        while (Instant.now().isBefore(until)) {
            browser.open(flexHrm.base() + "/hello");
            if (browser.currentUrl().startsWith(portvakt.issuer() + "/signin")) {
                return;
            }
            assertThat(browser.currentUrl()).startsWith(flexHrm.base() + "/hello");
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("still signed in to Flex HRM 20 s after the session ended at Portvakt; its output:\n"
                + flexHrm.output());
    }

    private static void enterEmailAndPassword(Account person) {
        browser.type(field("Email address"), person.email().value());
        browser.click(button("Next"));
        browser.waitForPath("/signin/password");
        browser.type(field("Password"), PASSWORD);
        browser.click(button("Sign in"));
    }

    /** From the 2FA prompt through the authenticator app's set-up and the emergency code. */
    private static TotpSecret setUpAnAuthenticatorApp() {
        browser.click(button("Enable"));
        browser.waitForPath("/signin/get-started");
        browser.click(button("I use another Authenticator app"));
        browser.waitForPath("/signin/authenticator-setup");
        TotpSecret key = TotpSecret.parseBase32(browser.find(By.id("key")).getText()).orElseThrow();
        browser.click(button("Next"));
        browser.waitForPath("/signin/authenticator-setup-code");
        browser.type(field("Security code"), twoFactor().codeNow(key, 0));
        browser.click(button("Next"));
        // This server sends no text messages, so no SMS backup is offered.
        browser.waitForPath("/signin/emergency-code-save");
        browser.click(checkbox("I have safely copied and stored this code."));
        browser.click(button("Done"));
        return key;
    }

    private static TwoFactorPerson twoFactor() {
        return new TwoFactorPerson(portvakt.bean(JdbcClient.class));
    }

    /** A bootstrap file whose flex-hrm client lives at {@code example}, as the demo's lives at localhost:8081. */
    private static Path bootstrap(String example) throws IOException {
        Path file = Paths.get("target", "examples", "flex-hrm-web-bootstrap-" + example.replaceAll("\\D", "") + ".yaml")
                .toAbsolutePath();
        Files.createDirectories(file.getParent());
        Files.writeString(file, """
                clients:
                  - id: flex-hrm
                    name: Flex HRM
                    type: web
                    display-name: Flex HRM
                    logo: classpath:bootstrap/flex-hrm.svg
                    accent-color: "#0f766e"
                    secret: flex-hrm-demo-secret
                    redirect-uris: [%1$s/login/oauth2/code/portvakt]
                    post-logout-redirect-uris: [%1$s/]
                    backchannel-logout-uri: %1$s/logout/connect/back-channel/portvakt
                    scopes: [openid, email, profile, offline_access]
                """.formatted(example));
        return file;
    }

    private static void onBothScreens(String name) {
        for (Screen screen : Screen.values()) {
            browser.resize(screen);
            browser.checkScreen(name, screen);
        }
        browser.resize(Screen.DESKTOP);
    }
}
