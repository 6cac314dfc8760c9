package se.portvakt.myaccount;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;

import se.portvakt.account.Account;
import se.portvakt.account.AccountStore;
import se.portvakt.factor.push.Pairings;
import se.portvakt.factor.sms.PhoneNumbers;
import se.portvakt.password.PasswordHasher;
import se.portvakt.testing.AuthenticatorDevice;
import se.portvakt.testing.HttpAgent;
import se.portvakt.testing.OidcClient;
import se.portvakt.testing.OnH2;
import se.portvakt.testing.OnPostgres;
import se.portvakt.testing.TestPeople;
import se.portvakt.testing.TwoFactorPerson;
import se.portvakt.testing.TwoFactorPerson.Enrolled;

/**
 * My account's two-factor methods, with a sign-in a moment ago: the list (app, device, masked number, the emergency
 * code's existence, never the code), each change (remove, rename, a new emergency code, turn off) audited and mailed,
 * and their refusals: the last method of a person who uses an application requiring 2FA (decision 0035), another
 * person's device, no CSRF token, bad input; and, with a window of seconds, an older sign-in sent to confirm first.
 */
abstract class MethodsPageTest {

    @OnH2
    static class OnEmbeddedDatabase extends MethodsPageTest {}

    @OnPostgres
    static class OnPostgreSql extends MethodsPageTest {}

    static final String PASSWORD = "a long enough password";
    static final String PAGE = "/account/methods";
    static final OidcClient.Request STRICT = new OidcClient.Request("test-strict", "http://localhost:8081/strict/callback",
            "openid email");

    @Value("${portvakt.issuer}")
    String issuer;

    @Autowired
    AccountStore accounts;

    @Autowired
    PasswordHasher hasher;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    Pairings pairings;

    /** A person with the app, an SMS number, an emergency code and a paired phone, signed in at My account. */
    record Person(Account account, Enrolled enrolled, String e164, AuthenticatorDevice phone, HttpAgent browser) {}

    @Test
    void thePageListsEachMethodAndTheNavigationLeadsThere() {
        Person person = person("methods.list", OidcClient.web());

        assertThat(person.browser().get("/account").body()).contains("href=\"/account/methods\"");
        HttpResponse<String> page = person.browser().get(PAGE);

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("Two-factor authentication is on", "Authenticator app (codes)",
                "Portvakt Authenticator: Test phone", "Codes by SMS to " + PhoneNumbers.masked(person.e164()),
                "One-time emergency code", "Saved ", "Added ", "Last used ", "Make a new emergency code",
                "aria-current=\"page\">Two-factor authentication</a>", "name=\"_csrf\"")
                .doesNotContain(person.e164(), person.enrolled().emergencyCode());
        // The sign-in records the app's last use: the code that signed in to My account.
        assertThat(jdbc.sql("SELECT last_used_at FROM account_factor WHERE account_id = :a AND kind = 'TOTP'")
                .param("a", person.account().id()).query(Object.class).optional()).isPresent();
    }

    @Test
    void removingADeviceMakesItsCallsFailAndMailsANotice() {
        Person person = person("methods.device", OidcClient.web());
        assertThat(person.phone().call("/pending", Map.of()).statusCode()).isEqualTo(200);

        HttpResponse<String> removed = person.browser().post(PAGE,
                Map.of("action", "remove-device", "device", person.phone().id()));

        assertThat(removed.statusCode()).as(removed.body()).isEqualTo(302);
        assertThat(HttpAgent.location(removed)).contains(PAGE);
        assertThat(person.browser().get(HttpAgent.location(removed)).body()).contains("The method was removed")
                .doesNotContain("Portvakt Authenticator: Test phone");
        assertThat(person.phone().call("/pending", Map.of()).statusCode()).isEqualTo(401);
        assertMailed(person, "A way to confirm it is you was removed", "Portvakt Authenticator device was removed");
        assertThat(audited(person, "authenticator.device.removed", "success")).isEqualTo(1);
        assertThat(audited(person, "factor.removed", "success")).isEqualTo(1);
    }

    @Test
    void removingTheNumberAndTheAppLeavesTheOthers() {
        Person person = person("methods.remove", OidcClient.web());

        assertThat(HttpAgent.location(person.browser().post(PAGE, Map.of("action", "remove-sms")))).contains(PAGE);
        assertThat(HttpAgent.location(person.browser().post(PAGE, Map.of("action", "remove-app")))).contains(PAGE);

        assertThat(kinds(person)).containsExactly("EMERGENCY_CODE");
        String page = person.browser().get(PAGE).body();
        assertThat(page).contains("Portvakt Authenticator: Test phone", "Removing your only method turns")
                .doesNotContain("Authenticator app (codes)", "Codes by SMS");
        assertMailed(person, "A way to confirm it is you was removed", "The phone number was removed");
        assertThat(mailText(person, "A way to confirm it is you was removed")).anyMatch(
                text -> text.contains("The authenticator app was removed"));
        assertThat(person.browser().post(PAGE, Map.of("action", "remove-sms")).statusCode()).isEqualTo(404);
    }

    @Test
    void aDeviceIsRenamedAndAnotherPersonsDeviceIsNotFoundLikeAMadeUpOne() {
        Person person = person("methods.rename", OidcClient.web());
        Person other = person("methods.other", OidcClient.web());

        HttpResponse<String> renamed = person.browser().post(PAGE,
                Map.of("action", "rename-device", "device", person.phone().id(), "name", "  Work phone  "));
        assertThat(HttpAgent.location(renamed)).contains(PAGE);
        assertThat(person.browser().get(HttpAgent.location(renamed)).body()).contains("Portvakt Authenticator: Work phone",
                "The device was renamed");
        assertMailed(person, "A device was renamed", "was renamed on My account");

        for (String device : new String[] {other.phone().id(), "made-up", ""}) {
            HttpResponse<String> theirs = person.browser().post(PAGE, Map.of("action", "remove-device", "device", device));
            assertThat(theirs.statusCode()).isEqualTo(404);
            assertThat(theirs.body()).contains("That method was not found.");
            HttpResponse<String> rename = person.browser().post(PAGE,
                    Map.of("action", "rename-device", "device", device, "name", "Mine now"));
            assertThat(rename.statusCode()).isEqualTo(404);
        }
        assertThat(other.phone().call("/pending", Map.of()).statusCode()).as("still paired").isEqualTo(200);
        assertThat(other.browser().get(PAGE).body()).contains("Portvakt Authenticator: Test phone");

        for (String name : new String[] {"", "   ", "x".repeat(101), "tab\there"}) {
            HttpResponse<String> bad = person.browser().post(PAGE,
                    Map.of("action", "rename-device", "device", person.phone().id(), "name", name));
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(bad.body()).contains("Give the device a name of at most 100 characters.");
        }
    }

    @Test
    void aNewEmergencyCodeReplacesTheOldOneWhichStopsWorking() {
        Person person = person("methods.emergency", OidcClient.web());
        String oldCode = person.enrolled().emergencyCode();

        String shown = person.browser().get(PAGE + "/emergency-code").body();
        assertThat(shown).contains("Save your one-time emergency code", "I have safely copied and stored this code.",
                "replaces your old one");
        String newCode = TwoFactorPerson.emergencyCodeOn(shown);
        HttpResponse<String> unticked = person.browser().post(PAGE + "/emergency-code", Map.of("code", newCode));
        assertThat(unticked.statusCode()).isEqualTo(400);
        assertThat(TwoFactorPerson.emergencyCodeOn(unticked.body())).as("the same code again").isEqualTo(newCode);
        assertThat(person.browser().post(PAGE + "/emergency-code", Map.of("code", "ABCD", "stored", "on"))
                .statusCode()).isEqualTo(400);
        // Until "Done", the old code still works: a code never saved cannot lock anyone out. Shown again, then saved.
        newCode = TwoFactorPerson.emergencyCodeOn(person.browser().get(PAGE + "/emergency-code").body());
        HttpResponse<String> saved = person.browser().post(PAGE + "/emergency-code",
                Map.of("code", newCode, "stored", "on", "action", "done"));

        assertThat(HttpAgent.location(saved)).endsWith(PAGE + "?done=emergency");
        assertThat(person.browser().get(HttpAgent.location(saved)).body()).contains("Your new emergency code is saved");
        assertThat(person.browser().get(PAGE).body()).as("said once").doesNotContain("Your new emergency code is saved");
        assertMailed(person, "A new emergency code was made", "The old one no longer works");
        assertThat(emergencySignIn(person, oldCode).body()).contains("That emergency code is not right");
        HttpResponse<String> signedIn = emergencySignIn(person, newCode);
        assertThat(HttpAgent.location(signedIn)).endsWith("/signin/emergency-code-used");
        HttpResponse<String> again = emergencySignIn(person, newCode);
        assertThat(HttpAgent.isRedirect(again) && HttpAgent.location(again).endsWith("/signin/emergency-code-used"))
                .as("once").isFalse();
    }

    @Test
    void turningTwoFactorOffRemovesEverything() {
        Person person = person("methods.off", OidcClient.web());

        HttpResponse<String> off = person.browser().post(PAGE, Map.of("action", "off"));

        assertThat(HttpAgent.location(off)).contains(PAGE);
        assertThat(kinds(person)).isEmpty();
        assertThat(jdbc.sql("SELECT COUNT(*) FROM authenticator_device WHERE account_id = :a")
                .param("a", person.account().id()).query(Integer.class).single()).isZero();
        assertThat(person.phone().call("/pending", Map.of()).statusCode()).isEqualTo(401);
        assertThat(person.browser().get(HttpAgent.location(off)).body()).contains("Two-factor authentication is off",
                "a notice was sent to your email").doesNotContain("Make a new emergency code");
        assertMailed(person, "Two-factor authentication was turned off", "on My account");
        assertThat(person.browser().post(PAGE, Map.of("action", "off")).statusCode()).isEqualTo(404);
        assertThat(HttpAgent.location(person.browser().get(PAGE + "/emergency-code"))).endsWith(PAGE);
        // No second factor is asked at the next sign-in: the password passes, and setting 2FA up is offered again.
        HttpAgent later = TestPeople.browser(issuer);
        later.get(HttpAgent.location(later.get(OidcClient.web().authorizationUrl())));
        later.post("/signin", Map.of("email", person.account().email().value()));
        assertThat(HttpAgent.location(later.post("/signin/password", Map.of("password", PASSWORD))))
                .endsWith("/signin/two-factor");
    }

    @Test
    void theLastMethodOfAPersonWithoutAnApplicationRequiring2faTurnsItOff() {
        Person person = person("methods.last", OidcClient.web());
        person.browser().post(PAGE, Map.of("action", "remove-sms"));
        person.browser().post(PAGE, Map.of("action", "remove-app"));

        HttpResponse<String> last = person.browser().post(PAGE,
                Map.of("action", "remove-device", "device", person.phone().id()));

        assertThat(HttpAgent.location(last)).contains(PAGE);
        assertThat(kinds(person)).as("the emergency code too").isEmpty();
        assertThat(person.browser().get(PAGE).body()).contains("Two-factor authentication is off");
        assertMailed(person, "Two-factor authentication was turned off", "on My account");
    }

    @Test
    void thePersonOfAnApplicationRequiring2faCannotRemoveTheLastMethodNorTurnItOff() {
        Person person = person("methods.strict", STRICT);
        person.browser().post(PAGE, Map.of("action", "remove-sms"));
        person.browser().post(PAGE, Map.of("action", "remove-device", "device", person.phone().id()));

        HttpResponse<String> last = person.browser().post(PAGE, Map.of("action", "remove-app"));
        HttpResponse<String> off = person.browser().post(PAGE, Map.of("action", "off"));

        for (HttpResponse<String> refused : java.util.List.of(last, off)) {
            assertThat(refused.statusCode()).isEqualTo(409);
            assertThat(refused.body()).contains("Test app that requires 2FA requires two-factor authentication, so you"
                    + " cannot turn it off or remove your last method.");
        }
        assertThat(kinds(person)).containsExactlyInAnyOrder("TOTP", "EMERGENCY_CODE");
        assertThat(audited(person, "factor.removed", "refused")).isEqualTo(2);
    }

    @Test
    void withoutItsCsrfTokenAChangeIsRefused() {
        Person person = person("methods.csrf", OidcClient.web());

        assertThat(person.browser().post(PAGE, Map.of("_csrf", "forged", "action", "off")).statusCode()).isEqualTo(403);
        byte[] form = HttpAgent.encode(Map.of("action", "off")).getBytes(StandardCharsets.UTF_8);
        assertThat(person.browser().postRaw(PAGE, "application/x-www-form-urlencoded", form).statusCode()).isEqualTo(403);
        byte[] save = HttpAgent.encode(Map.of("code", "x", "stored", "on")).getBytes(StandardCharsets.UTF_8);
        assertThat(person.browser().postRaw(PAGE + "/emergency-code", "application/x-www-form-urlencoded", save)
                .statusCode()).isEqualTo(403);
        assertThat(kinds(person)).hasSize(3);
    }

    @Test
    void badInputIsNeverA500() {
        Person person = person("methods.bad", OidcClient.web());

        assertThat(person.browser().post(PAGE, Map.of()).statusCode()).isEqualTo(404);
        assertThat(person.browser().post(PAGE, Map.of("action", "explode")).statusCode()).isEqualTo(404);
        assertThat(person.browser().post(PAGE, Map.of("action", "remove-device")).statusCode()).isEqualTo(404);
        assertThat(person.browser().post(PAGE, Map.of("action", "rename-device")).statusCode()).isEqualTo(400);
        Map<String, String> odd = new HashMap<>(Map.of("action", "rename-device", "device", "\u0000\uD800'--",
                "name", "\uFFFF"));
        assertThat(person.browser().post(PAGE, odd).statusCode()).isEqualTo(404);
        assertThat(person.browser().post(PAGE, Map.of("action", "remove-device", "device", "\u0000"))
                .statusCode()).isEqualTo(404);
        assertThat(person.browser().post(PAGE, Map.of("action", "remove-device", "device", "x".repeat(5000)))
                .statusCode()).isEqualTo(404);
        assertThat(person.browser().post(PAGE + "/emergency-code", Map.of()).statusCode()).isEqualTo(400);
        assertThat(person.browser().post(PAGE + "/emergency-code", Map.of("code", "\u0000", "stored", "on"))
                .statusCode()).isEqualTo(400);
        assertThat(HttpAgent.location(person.browser().get(PAGE + "?action=off"))).endsWith(PAGE);
        assertThat(HttpAgent.location(person.browser().get(PAGE + "?done=turned-off&x=1"))).endsWith(PAGE);
        assertThat(HttpAgent.location(person.browser().get(PAGE + "?done=%00"))).endsWith(PAGE);
        assertThat(kinds(person)).hasSize(3);
    }

    Person person(String who, OidcClient.Request application) {
        return person(issuer, accounts, hasher, jdbc, pairings, who, application);
    }

    static Person person(String issuer, AccountStore accounts, PasswordHasher hasher, JdbcClient jdbc,
            Pairings pairings, String who, OidcClient.Request application) {
        Account account = TestPeople.newcomer(accounts, who, hasher.hash(PASSWORD));
        TwoFactorPerson phone = new TwoFactorPerson(jdbc);
        String mobile = TwoFactorPerson.uniqueMobile();
        HttpAgent elsewhere = TestPeople.browser(issuer);
        elsewhere.get(HttpAgent.location(
                elsewhere.get(application.authorizationUrl() + "&acr_values=urn%3Aportvakt%3Aacr%3A2fa")));
        elsewhere.post("/signin", Map.of("email", account.email().value()));
        assertThat(HttpAgent.location(elsewhere.post("/signin/password", Map.of("password", PASSWORD))))
                .endsWith("/signin/two-factor");
        Enrolled enrolled = phone.enrol(elsewhere, mobile);
        AuthenticatorDevice device = new AuthenticatorDevice(issuer);
        assertThat(device.pair(pairings.issue(account.id(), UUID.randomUUID().toString()).code(), null).statusCode())
                .isEqualTo(201);

        HttpAgent browser = TestPeople.browser(issuer);
        browser.get(HttpAgent.location(browser.get("/account")));
        browser.post("/signin", Map.of("email", account.email().value()));
        browser.post("/signin/password", Map.of("password", PASSWORD));
        // Push goes first for a person with a device: choose the app's code instead.
        HttpResponse<String> other = browser.post("/signin/check-your-phone", Map.of("action", "other"));
        assertThat(HttpAgent.location(other)).as(other.body()).endsWith("/signin/other-method");
        browser.post("/signin/other-method", Map.of("method", "TOTP"));
        browser.get("/signin/authenticator-code");
        HttpResponse<String> page = browser.follow(browser.post("/signin/authenticator-code",
                Map.of("code", phone.codeNow(enrolled.key(), 1))));
        assertThat(page.uri().getPath()).as(page.body()).isEqualTo("/account");
        return new Person(account, enrolled, TwoFactorPerson.e164(mobile), device, browser);
    }

    private HttpResponse<String> emergencySignIn(Person person, String code) {
        HttpAgent browser = TestPeople.browser(issuer);
        browser.get(HttpAgent.location(browser.get(OidcClient.web().authorizationUrl())));
        browser.post("/signin", Map.of("email", person.account().email().value()));
        browser.post("/signin/password", Map.of("password", PASSWORD));
        browser.post("/signin/check-your-phone", Map.of("action", "other"));
        browser.post("/signin/other-method", Map.of("method", "EMERGENCY_CODE"));
        browser.get("/signin/emergency-code");
        return browser.post("/signin/emergency-code", Map.of("code", code));
    }

    java.util.List<String> kinds(Person person) {
        return jdbc.sql("SELECT kind FROM account_factor WHERE account_id = :a ORDER BY kind")
                .param("a", person.account().id()).query(String.class).list();
    }

    int audited(Person person, String type, String outcome) {
        return jdbc.sql("SELECT COUNT(*) FROM audit_event WHERE account_id = :a AND event_type = :t AND outcome = :o")
                .param("a", person.account().id()).param("t", type).param("o", outcome).query(Integer.class).single();
    }

    private void assertMailed(Person person, String subject, String text) {
        assertThat(new TwoFactorPerson(jdbc).mailSubjectsTo(person.account().email().value(), subject)).contains(subject);
        assertThat(mailText(person, subject)).anyMatch(body -> body.contains(text));
    }

    private java.util.List<String> mailText(Person person, String subject) {
        return jdbc.sql("SELECT text_body FROM dev_outbox WHERE recipient = :to AND subject = :s")
                .param("to", person.account().email().value()).param("s", subject).query(String.class).list();
    }
}
