package se.portvakt.signin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;

import se.portvakt.account.Account;
import se.portvakt.account.AccountStore;
import se.portvakt.config.PortvaktProperties;
import se.portvakt.factor.FactorKind;
import se.portvakt.factor.FactorStore;
import se.portvakt.factor.sms.SmsCodes;
import se.portvakt.factor.totp.TotpSecret;
import se.portvakt.password.PasswordHasher;
import se.portvakt.testing.HttpAgent;
import se.portvakt.testing.LimitWindows;
import se.portvakt.testing.OidcClient;
import se.portvakt.testing.OnH2;
import se.portvakt.testing.OnPostgres;
import se.portvakt.testing.TestPeople;
import se.portvakt.testing.TwoFactorPerson;
import se.portvakt.testing.TwoFactorPerson.Enrolled;
import tools.jackson.databind.JsonNode;

/**
 * Journey steps 4 and 5 over real HTTP: the 2FA prompt, setting up the authenticator app, the SMS backup and
 * the emergency code, and signing in with each; the ID token says which factors were passed.
 */
abstract class TwoFactorSignInTest {

    @OnH2
    static class OnEmbeddedDatabase extends TwoFactorSignInTest {}

    @OnPostgres
    static class OnPostgreSql extends TwoFactorSignInTest {}

    private static final String PASSWORD = "a long enough password";

    @Value("${portvakt.issuer}")
    String issuer;

    @Autowired
    PortvaktProperties properties;

    @Autowired
    AccountStore accounts;

    @Autowired
    PasswordHasher hasher;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    SmsCodes smsCodes;

    @Autowired
    FactorStore factors;

    @Test
    void aPersonWithout2faIsAskedAndCanBeRemindedLater() {
        Account person = TestPeople.newcomer(accounts, "asked", hasher.hash(PASSWORD));
        HttpAgent browser = TestPeople.browser(issuer);

        HttpResponse<String> afterPassword = password(browser, OidcClient.web(), person);
        assertThat(HttpAgent.location(afterPassword)).endsWith("/signin/two-factor");
        String prompt = browser.get("/signin/two-factor").body();
        assertThat(prompt).contains("Activate two-factor authentication (2FA)", ">Enable<", ">Remind me later<",
                "We will ask again in 7 days.");

        HttpResponse<String> later = browser.post("/signin/two-factor", Map.of("action", "later"));
        assertThat(HttpAgent.location(later)).contains("/oauth2/authorize");
        assertThat(audit(person, "two-factor.prompt")).containsExactly("snoozed");

        // Reminded recently: the next sign-in goes straight back to the application.
        HttpAgent nextTime = TestPeople.browser(issuer);
        assertThat(HttpAgent.location(password(nextTime, OidcClient.web(), person))).contains("/oauth2/authorize");
        OffsetDateTime snoozedUntil = jdbc.sql("SELECT two_factor_snoozed_until FROM account WHERE id = :a")
                .param("a", person.id()).query(OffsetDateTime.class).single();
        assertThat(Duration.between(Instant.now(), snoozedUntil.toInstant())).isBetween(Duration.ofDays(7).minusMinutes(1),
                Duration.ofDays(7));

        // Seven days on, the prompt comes back.
        jdbc.sql("UPDATE account SET two_factor_snoozed_until = :past WHERE id = :a")
                .param("past", OffsetDateTime.now(ZoneOffset.UTC).minusMinutes(1)).param("a", person.id()).update();
        assertThat(HttpAgent.location(password(TestPeople.browser(issuer), OidcClient.web(), person)))
                .endsWith("/signin/two-factor");
    }

    @Test
    void settingUpEveryFactorEndsAtTheApplicationWithTwoFactorsInTheIdToken() {
        Account person = TestPeople.newcomer(accounts, "enrols", hasher.hash(PASSWORD));
        HttpAgent browser = TestPeople.browser(issuer);
        OidcClient.Request request = OidcClient.web();
        password(browser, request, person);
        TwoFactorPerson phone = new TwoFactorPerson(jdbc);
        String mobile = TwoFactorPerson.uniqueMobile();

        Enrolled enrolled = phone.enrol(browser, mobile);

        JsonNode idToken = idToken(browser, request, enrolled.backToApplication());
        assertThat(idToken.get("amr").toString()).contains("\"pwd\"", "\"otp\"", "\"mfa\"");
        assertThat(idToken.get("acr").asString()).isEqualTo("urn:portvakt:acr:2fa");
        assertThat(audit(person, "factor.added")).containsExactlyInAnyOrder("success", "success", "success");
        assertThat(jdbc.sql("SELECT detail FROM audit_event WHERE account_id = :a AND event_type = 'factor.added'")
                .param("a", person.id()).query(String.class).list()).containsExactlyInAnyOrder("totp", "sms", "emergency_code");
        assertThat(jdbc.sql("SELECT kind FROM account_factor WHERE account_id = :a").param("a", person.id())
                .query(String.class).list()).containsExactlyInAnyOrder("TOTP", "SMS", "EMERGENCY_CODE");
        assertThat(jdbc.sql("SELECT phone FROM account_factor WHERE account_id = :a AND kind = 'SMS'")
                .param("a", person.id()).query(String.class).single()).isEqualTo(TwoFactorPerson.e164(mobile));
        // The key is stored encrypted, never as the base-32 text the app was given.
        String stored = jdbc.sql("SELECT secret FROM account_factor WHERE account_id = :a AND kind = 'TOTP'")
                .param("a", person.id()).query(String.class).single();
        assertThat(stored).startsWith("v1:").doesNotContain(enrolled.key().base32());
    }

    @Test
    void signingInWithTheAuthenticatorAppRefusesACodeUsedBefore() {
        Account person = TestPeople.newcomer(accounts, "totp", hasher.hash(PASSWORD));
        TwoFactorPerson phone = new TwoFactorPerson(jdbc);
        Enrolled enrolled = setUp(person, null);

        HttpAgent browser = TestPeople.browser(issuer);
        OidcClient.Request request = OidcClient.web();
        assertThat(HttpAgent.location(password(browser, request, person))).endsWith("/signin/authenticator-code");
        assertThat(browser.get("/signin/authenticator-code").body())
                .contains("Enter the security code that your authenticator app shows.", "Use another method");

        // The code that confirmed the set-up was accepted once; it does not sign in again.
        HttpResponse<String> replayed = browser.post("/signin/authenticator-code", Map.of("code", enrolled.setupCode()));
        assertThat(replayed.statusCode()).isEqualTo(200);
        assertThat(replayed.body()).contains("That code is not right.");
        HttpResponse<String> wrongShape = browser.post("/signin/authenticator-code", Map.of("code", "12ab"));
        assertThat(wrongShape.statusCode()).isEqualTo(200);

        HttpResponse<String> signedIn = browser.post("/signin/authenticator-code", Map.of("code", phone.codeNow(enrolled.key(), 1)));
        JsonNode idToken = idToken(browser, request, signedIn);
        assertThat(idToken.get("amr").toString()).contains("\"pwd\"", "\"otp\"", "\"mfa\"");
        assertThat(audit(person, "signin.totp")).containsExactly("failure", "failure", "success");
    }

    @Test
    void anotherMethodSendsAnSmsCodeThatSignsInOnce() {
        Account person = TestPeople.newcomer(accounts, "sms", hasher.hash(PASSWORD));
        TwoFactorPerson phone = new TwoFactorPerson(jdbc);
        String mobile = TwoFactorPerson.uniqueMobile();
        setUp(person, mobile);
        int textsBefore = phone.textsTo(TwoFactorPerson.e164(mobile));

        HttpAgent browser = TestPeople.browser(issuer);
        OidcClient.Request request = OidcClient.web();
        password(browser, request, person);
        browser.get("/signin/authenticator-code");
        assertThat(HttpAgent.location(browser.post("/signin/authenticator-code", Map.of("action", "other"))))
                .endsWith("/signin/other-method");
        String methods = browser.get("/signin/other-method").body();
        assertThat(methods).contains("A code from your authenticator app", "A code by SMS to +46\u00a0•••••••\u00a0" + mobile.substring(8),
                "Your one-time emergency code");
        assertThat(HttpAgent.location(browser.post("/signin/other-method", Map.of("method", "SMS"))))
                .endsWith("/signin/sms-code");
        assertThat(phone.textsTo(TwoFactorPerson.e164(mobile))).isEqualTo(textsBefore + 1);
        assertThat(browser.get("/signin/sms-code").body()).contains("We sent a 6-digit code by SMS to +46\u00a0");

        // Asking again at once is refused (nothing sent), and the code already sent still works.
        HttpResponse<String> tooSoon = browser.post("/signin/sms-code", Map.of("action", "resend"));
        assertThat(tooSoon.body()).contains("A code was sent a moment ago.");
        assertThat(phone.textsTo(TwoFactorPerson.e164(mobile))).isEqualTo(textsBefore + 1);

        String code = phone.smsCodeTo(TwoFactorPerson.e164(mobile));
        HttpResponse<String> signedIn = browser.post("/signin/sms-code", Map.of("code", code));
        JsonNode idToken = idToken(browser, request, signedIn);
        assertThat(idToken.get("amr").toString()).contains("\"pwd\"", "\"sms\"", "\"mfa\"");
        assertThat(audit(person, "signin.sms")).containsExactly("success");
    }

    @Test
    void aNumberThatHadItsTextsThisHourIsRefusedWithTheWaitAndTheTypedNumberKept() {
        String pumped = TwoFactorPerson.uniqueMobile();
        for (int i = 0; i < 10; i++) {
            String other = TestPeople.account(accounts, "pumping" + i, null).id();
            assertThat(smsCodes.send(other, SmsCodes.Purpose.CONFIRM_NUMBER, TwoFactorPerson.e164(pumped), Locale.ENGLISH))
                    .isInstanceOf(SmsCodes.Sending.Sent.class);
        }
        TwoFactorPerson phone = new TwoFactorPerson(jdbc);
        Account person = TestPeople.newcomer(accounts, "pumped.number", hasher.hash(PASSWORD));
        HttpAgent browser = TestPeople.browser(issuer);
        password(browser, OidcClient.web(), person);
        phone.toSmsBackup(browser);

        HttpResponse<String> refused = browser.post("/signin/sms-backup", Map.of("country", "SE", "phone", pumped));
        assertThat(refused.statusCode()).isEqualTo(200);
        assertThat(refused.body()).containsPattern("Too many codes have been sent by SMS\\. Try again in \\d+ minutes?\\.")
                .contains("value=\"" + pumped + "\"");
        assertThat(phone.textsTo(TwoFactorPerson.e164(pumped))).as("nothing more sent").isEqualTo(10);
        assertThat(audit(person, "sms.code")).containsExactly("limited");

        // Another number goes through at once.
        String own = TwoFactorPerson.uniqueMobile();
        HttpResponse<String> sent = browser.post("/signin/sms-backup", Map.of("country", "SE", "phone", own));
        assertThat(HttpAgent.location(sent)).as(sent.body()).endsWith("/signin/sms-backup-code");
        assertThat(phone.textsTo(TwoFactorPerson.e164(own))).isEqualTo(1);
    }

    @Test
    void aCodeConfirmsOnlyTheNumberItWasSentTo() {
        TwoFactorPerson phone = new TwoFactorPerson(jdbc);
        Account person = TestPeople.newcomer(accounts, "changed.number", hasher.hash(PASSWORD));
        HttpAgent browser = TestPeople.browser(issuer);
        password(browser, OidcClient.web(), person);
        phone.toSmsBackup(browser);
        String first = TwoFactorPerson.uniqueMobile();
        assertThat(HttpAgent.location(browser.post("/signin/sms-backup", Map.of("country", "SE", "phone", first))))
                .endsWith("/signin/sms-backup-code");
        String code = phone.smsCodeTo(TwoFactorPerson.e164(first));

        // Another sign-in of the same person takes another number meanwhile, whose text waits for the pause.
        factors.savePending(person.id(), FactorKind.SMS, null, TwoFactorPerson.e164(TwoFactorPerson.uniqueMobile()),
                Instant.now().plusSeconds(600));

        browser.get("/signin/sms-backup-code");
        HttpResponse<String> refused = browser.post("/signin/sms-backup-code", Map.of("code", code));
        assertThat(refused.body()).as("the first number's code does not confirm the second number")
                .contains("That code has expired or was used.");
        assertThat(jdbc.sql("SELECT COUNT(*) FROM account_factor WHERE account_id = :a AND kind = 'SMS'")
                .param("a", person.id()).query(Integer.class).single()).isZero();
    }

    @Test
    void theEmergencyCodeSignsInOnceAndANewOneTurns2faOff() {
        Account person = TestPeople.newcomer(accounts, "lost.phone", hasher.hash(PASSWORD));
        Enrolled enrolled = setUp(person, null);

        HttpAgent browser = TestPeople.browser(issuer);
        OidcClient.Request request = OidcClient.web();
        password(browser, request, person);
        browser.get("/signin/authenticator-code");
        browser.post("/signin/authenticator-code", Map.of("action", "other"));
        browser.get("/signin/other-method");
        assertThat(HttpAgent.location(browser.post("/signin/other-method", Map.of("method", "EMERGENCY_CODE"))))
                .endsWith("/signin/emergency-code");
        browser.get("/signin/emergency-code");
        HttpResponse<String> used = browser.post("/signin/emergency-code",
                Map.of("code", enrolled.emergencyCode().toLowerCase().replace("-", " ")));
        assertThat(HttpAgent.location(used)).endsWith("/signin/emergency-code-used");
        String page = browser.get("/signin/emergency-code-used").body();
        assertThat(page).contains("Your emergency code is used up", "Save your one-time emergency code",
                "I have safely copied and stored this code.", "Turn off two-factor authentication");
        String newCode = TwoFactorPerson.emergencyCodeOn(page);
        assertThat(newCode).isNotEqualTo(enrolled.emergencyCode()).matches("([A-Z0-9]{4}-){4}[A-Z0-9]{4}");

        // "Done" without the box ticked is refused, and the same new code is shown again.
        HttpResponse<String> unticked = browser.post("/signin/emergency-code-used", Map.of("code", newCode, "action", "done"));
        assertThat(unticked.body()).contains("Tick &quot;I have safely copied and stored this code.&quot; when you have stored it.");
        assertThat(TwoFactorPerson.emergencyCodeOn(unticked.body())).isEqualTo(newCode);
        HttpResponse<String> done = browser.post("/signin/emergency-code-used",
                Map.of("code", newCode, "stored", "on", "action", "done"));
        JsonNode idToken = idToken(browser, request, done);
        assertThat(idToken.get("amr").toString()).contains("\"pwd\"", "\"otp\"", "\"mfa\"");
        assertThat(audit(person, "signin.emergency-code")).containsExactly("success");
        assertThat(new TwoFactorPerson(jdbc).mailSubjectsTo(person.email().value(), "Your emergency code was used"))
                .contains("A new way to confirm it is you", "Your emergency code was used");

        // The old code is spent; the new one turns 2FA off.
        HttpAgent later = TestPeople.browser(issuer);
        password(later, OidcClient.web(), person);
        later.post("/signin/authenticator-code", Map.of("action", "other"));
        later.post("/signin/other-method", Map.of("method", "EMERGENCY_CODE"));
        HttpResponse<String> spent = later.post("/signin/emergency-code", Map.of("code", enrolled.emergencyCode()));
        assertThat(spent.body()).contains("That emergency code is not right, or it was already used.");
        assertThat(HttpAgent.location(later.post("/signin/emergency-code", Map.of("code", newCode))))
                .endsWith("/signin/emergency-code-used");
        HttpResponse<String> off = later.post("/signin/emergency-code-used", Map.of("action", "off"));
        assertThat(HttpAgent.location(off)).contains("/oauth2/authorize");
        assertThat(jdbc.sql("SELECT COUNT(*) FROM account_factor WHERE account_id = :a").param("a", person.id())
                .query(Integer.class).single()).isZero();
        assertThat(audit(person, "factor.removed")).containsExactly("success");
        assertThat(new TwoFactorPerson(jdbc).mailSubjectsTo(person.email().value(), "Two-factor authentication was turned off"))
                .contains("Two-factor authentication was turned off");

        // With 2FA off, the next sign-in asks to enable it again.
        assertThat(HttpAgent.location(password(TestPeople.browser(issuer), OidcClient.web(), person)))
                .endsWith("/signin/two-factor");
    }

    @Test
    void aSetUpLeftBeforeTheEmergencyCodeOffersItAtTheNextSignIn() {
        Account person = TestPeople.newcomer(accounts, "left.early", hasher.hash(PASSWORD));
        HttpAgent setUp = TestPeople.browser(issuer);
        password(setUp, OidcClient.web(), person);
        setUp.post("/signin/two-factor", Map.of("action", "enable"));
        setUp.post("/signin/get-started", Map.of("action", "other-app")); // 4b, not the push app
        TotpSecret key = TwoFactorPerson.keyOn(setUp.get("/signin/authenticator-setup").body());
        setUp.post("/signin/authenticator-setup", Map.of());
        TwoFactorPerson phone = new TwoFactorPerson(jdbc);
        setUp.post("/signin/authenticator-setup-code", Map.of("code", phone.codeNow(key, 0)));
        setUp.post("/signin/sms-backup", Map.of("action", "skip"));
        // The browser is closed on "Save your one-time emergency code": the app is set up, no emergency code is.

        HttpAgent browser = TestPeople.browser(issuer);
        OidcClient.Request request = OidcClient.web();
        assertThat(HttpAgent.location(password(browser, request, person))).endsWith("/signin/authenticator-code");
        HttpResponse<String> signedIn = browser.post("/signin/authenticator-code", Map.of("code", phone.codeNow(key, 1)));
        assertThat(HttpAgent.location(signedIn)).endsWith("/signin/emergency-code-save");
        String code = TwoFactorPerson.emergencyCodeOn(browser.get("/signin/emergency-code-save").body());
        HttpResponse<String> done = browser.post("/signin/emergency-code-save",
                Map.of("code", code, "stored", "on", "action", "done"));
        assertThat(idToken(browser, request, done).get("amr").toString()).contains("\"otp\"", "\"mfa\"");
    }

    @Test
    void anAuthenticatorKeyThatCannotBeDecryptedRefusesCodesButLeavesTheOtherMethods() {
        Account person = TestPeople.newcomer(accounts, "lost.key", hasher.hash(PASSWORD));
        TwoFactorPerson phone = new TwoFactorPerson(jdbc);
        Enrolled enrolled = setUp(person, null);
        // As if the encryption key had been changed: the stored ciphertext no longer opens.
        jdbc.sql("UPDATE account_factor SET secret = :other WHERE account_id = :a AND kind = 'TOTP'")
                .param("other", "v1:" + "A".repeat(60)).param("a", person.id()).update();

        HttpAgent browser = TestPeople.browser(issuer);
        password(browser, OidcClient.web(), person);
        HttpResponse<String> refused = browser.post("/signin/authenticator-code", Map.of("code", phone.codeNow(enrolled.key(), 1)));
        assertThat(refused.statusCode()).isEqualTo(200);
        assertThat(refused.body()).contains("That code is not right.");
        browser.post("/signin/authenticator-code", Map.of("action", "other"));
        browser.post("/signin/other-method", Map.of("method", "EMERGENCY_CODE"));
        assertThat(HttpAgent.location(browser.post("/signin/emergency-code", Map.of("code", enrolled.emergencyCode()))))
                .endsWith("/signin/emergency-code-used");
    }

    @Test
    void anApplicationThatRequires2faHasNoRemindMeLater() {
        Account person = TestPeople.account(accounts, "strict", hasher.hash(PASSWORD));
        HttpAgent browser = TestPeople.browser(issuer);
        OidcClient.Request strict = new OidcClient.Request("test-strict", "http://localhost:8081/strict/callback",
                "openid email");

        // Reminded recently, but this application requires 2FA: the prompt comes anyway, without "later".
        assertThat(HttpAgent.location(password(browser, strict, person))).endsWith("/signin/two-factor");
        String prompt = browser.get("/signin/two-factor").body();
        assertThat(prompt).contains("This application requires two-factor authentication.").doesNotContain("Remind me later");
        HttpResponse<String> later = browser.post("/signin/two-factor", Map.of("action", "later"));
        assertThat(later.statusCode()).isEqualTo(200);
        assertThat(later.body()).contains("enable it to continue");

        new TwoFactorPerson(jdbc).enrol(browser, null);
    }

    @Test
    void wrongCodesAreLimitedPerAccountAcrossMethods() {
        // Ten wrong codes counted exactly: all in one window of the limit, not weighed across an edge.
        LimitWindows.awayFromTheEnd(properties.twoFactor().window(), Duration.ofMinutes(1));
        Account person = TestPeople.newcomer(accounts, "guesser", hasher.hash(PASSWORD));
        setUp(person, null);

        HttpAgent attacker = TestPeople.browser(issuer);
        password(attacker, OidcClient.web(), person);
        for (int i = 0; i < 6; i++) {
            assertThat(attacker.post("/signin/authenticator-code", Map.of("code", "000000")).body()).contains("That code is not right.");
        }
        attacker.post("/signin/authenticator-code", Map.of("action", "other"));
        attacker.post("/signin/other-method", Map.of("method", "EMERGENCY_CODE"));
        for (int i = 0; i < 4; i++) {
            attacker.post("/signin/emergency-code", Map.of("code", "AAAA-AAAA-AAAA-AAAA-AAAA"));
        }
        HttpResponse<String> locked = attacker.post("/signin/emergency-code", Map.of("code", "AAAA-AAAA-AAAA-AAAA-AAAA"));
        assertThat(locked.statusCode()).isEqualTo(200);
        assertThat(locked.body()).contains("Too many wrong codes. Try again in");
        assertThat(audit(person, "signin.emergency-code")).endsWith("locked");
    }

    @Test
    void strangeInputOnEveryTwoFactorPageGetsAPageNotAnError() {
        Account person = TestPeople.newcomer(accounts, "fuzz", hasher.hash(PASSWORD));
        HttpAgent browser = TestPeople.browser(issuer);
        password(browser, OidcClient.web(), person);
        List<Map<String, String>> inputs = List.of(Map.of(), Map.of("action", "nonsense"), Map.of("code", "x".repeat(5000)),
                Map.of("phone", "+" + "9".repeat(39), "country", "XX"), Map.of("method", "PUSH"));
        for (Map<String, String> input : inputs) {
            assertThat(browser.post("/signin/two-factor", input).statusCode()).isIn(200, 302);
        }
        browser.post("/signin/two-factor", Map.of("action", "enable"));
        browser.post("/signin/get-started", Map.of("action", "other-app")); // 4b, not the push app
        browser.post("/signin/authenticator-setup", Map.of());
        for (Map<String, String> input : inputs) {
            assertThat(browser.post("/signin/authenticator-setup-code", input).statusCode()).isIn(200, 302);
        }
        // A page out of turn sends the browser to the step it is at.
        assertThat(HttpAgent.location(browser.get("/signin/emergency-code-save"))).endsWith("/signin/authenticator-setup-code");
        assertThat(browser.get("/signin/no-such-step").statusCode()).isEqualTo(404);
    }

    @Test
    void aPersonOfAnApplicationRequiring2faCannotTurnItOffWithTheEmergencyCode() {
        // Decision 0035, as on My account: the person set 2FA up signing in to the application that requires it.
        Account person = TestPeople.newcomer(accounts, "lost.phone.strict", hasher.hash(PASSWORD));
        OidcClient.Request strict = new OidcClient.Request("test-strict", "http://localhost:8081/strict/callback",
                "openid email");
        HttpAgent setUp = TestPeople.browser(issuer);
        password(setUp, strict, person);
        Enrolled enrolled = new TwoFactorPerson(jdbc).enrol(setUp, null);

        // Later, signing in to another application with the emergency code.
        HttpAgent browser = TestPeople.browser(issuer);
        OidcClient.Request request = OidcClient.web();
        password(browser, request, person);
        browser.post("/signin/authenticator-code", Map.of("action", "other"));
        browser.post("/signin/other-method", Map.of("method", "EMERGENCY_CODE"));
        assertThat(HttpAgent.location(browser.post("/signin/emergency-code", Map.of("code", enrolled.emergencyCode()))))
                .endsWith("/signin/emergency-code-used");
        String page = browser.get("/signin/emergency-code-used").body();
        assertThat(page).contains("Lost your phone? Set up two-factor authentication again: Test app that requires 2FA "
                + "requires it, so you cannot turn it off.", "Set up two-factor authentication again")
                .doesNotContain("Turn off two-factor authentication", "value=\"off\"");
        assertThat(browser.header("Accept-Language", "sv").get("/signin/emergency-code-used").body())
                .contains("Konfigurera tvåfaktorsautentisering igen: Test app that requires 2FA kräver den")
                .doesNotContain("Stäng av tvåfaktorsautentisering");
        browser.header("Accept-Language", "en");

        // "Off" posted all the same is refused and audited; the app stays.
        HttpResponse<String> off = browser.post("/signin/emergency-code-used", Map.of("action", "off"));

        assertThat(off.statusCode()).isEqualTo(200);
        assertThat(off.body()).contains("An application you use requires two-factor authentication, so you cannot "
                + "turn it off.", "Save your one-time emergency code");
        assertThat(jdbc.sql("SELECT kind FROM account_factor WHERE account_id = :a ORDER BY kind")
                .param("a", person.id()).query(String.class).list()).as("the app stays (the used code is spent)")
                .containsExactly("TOTP");
        assertThat(audit(person, "factor.removed")).containsExactly("refused");
        // The way on is unchanged: the new code saved, back to the application.
        String newCode = TwoFactorPerson.emergencyCodeOn(off.body());
        HttpResponse<String> done = browser.post("/signin/emergency-code-used",
                Map.of("code", newCode, "stored", "on", "action", "done"));
        assertThat(HttpAgent.location(done)).contains("/oauth2/authorize");
    }

    /** The person signs in and sets up 2FA: the app, the SMS backup ({@code mobile}, or none) and the emergency code. */
    private Enrolled setUp(Account person, String mobile) {
        HttpAgent browser = TestPeople.browser(issuer);
        password(browser, OidcClient.web(), person);
        return new TwoFactorPerson(jdbc).enrol(browser, mobile);
    }

    private HttpResponse<String> password(HttpAgent browser, OidcClient.Request request, Account person) {
        HttpResponse<String> response = OidcClient.throughPassword(browser, request, person.email().value(), PASSWORD);
        assertThat(HttpAgent.isRedirect(response)).as(response.body()).isTrue();
        return response;
    }

    private JsonNode idToken(HttpAgent browser, OidcClient.Request request, HttpResponse<String> backToApplication) {
        assertThat(HttpAgent.location(backToApplication)).as(backToApplication.body()).contains("/oauth2/authorize");
        URI callback = URI.create(HttpAgent.location(browser.get(HttpAgent.location(backToApplication))));
        assertThat(callback.toString()).startsWith(request.redirectUri);
        HttpResponse<String> tokens = new HttpAgent(issuer)
                .header("Authorization", OidcClient.basic("test-web", "test-web-secret"))
                .post("/oauth2/token", OidcClient.codeExchange(request, OidcClient.param(callback, "code")));
        assertThat(tokens.statusCode()).as(tokens.body()).isEqualTo(200);
        return OidcClient.claims(OidcClient.json(tokens).get("id_token").asString());
    }

    private List<String> audit(Account person, String type) {
        return jdbc.sql("SELECT outcome FROM audit_event WHERE account_id = :a AND event_type = :t ORDER BY id")
                .param("a", person.id()).param("t", type).query(String.class).list();
    }
}
