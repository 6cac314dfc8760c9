package se.portvakt.myaccount;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;

import se.portvakt.account.Account;
import se.portvakt.account.AccountStore;
import se.portvakt.factor.FactorKind;
import se.portvakt.factor.FactorStore;
import se.portvakt.factor.push.Pairings;
import se.portvakt.factor.sms.SmsCodes;
import se.portvakt.factor.totp.TotpSecret;
import se.portvakt.myaccount.MethodsPageTest.Person;
import se.portvakt.password.PasswordHasher;
import se.portvakt.testing.HttpAgent;
import se.portvakt.testing.LimitWindows;
import se.portvakt.testing.OidcClient;
import se.portvakt.testing.OnH2;
import se.portvakt.testing.OnPostgres;
import se.portvakt.testing.TestPeople;
import se.portvakt.testing.TwoFactorPerson;
import se.portvakt.testing.TwoFactorPerson.Enrolled;

/**
 * "Add an SMS number" (or change it) on My account, with a sign-in a moment ago (decision 0038): the sign-in's SMS
 * backup words and rules, the code read from the development outbox as a phone would; wrong codes refused and counted
 * with the sign-in's limits; a right code saves the number (replacing the old one, which then gets no codes), audited
 * and mailed; only a number this session asked for, while it is still the one being set up, can be confirmed; a person
 * without an app or a device is not offered it.
 */
abstract class AddSmsNumberTest {

    @OnH2
    static class OnEmbeddedDatabase extends AddSmsNumberTest {}

    @OnPostgres
    static class OnPostgreSql extends AddSmsNumberTest {}

    static final String NUMBER = MethodsPageTest.PAGE + "/sms";
    static final String CODE = MethodsPageTest.PAGE + "/sms-code";

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

    @Autowired
    FactorStore factors;

    @Autowired
    SmsCodes smsCodes;

    @Test
    void aPersonWithAnAppAddsANumberThatThenSignsIn() {
        AppPerson person = appOnly("addsms.first");
        TwoFactorPerson phone = new TwoFactorPerson(jdbc);
        assertThat(person.browser().get(MethodsPageTest.PAGE).body())
                .contains("href=\"/account/methods/sms\"", "Add an SMS number").doesNotContain("Change the SMS number");

        HttpResponse<String> page = person.browser().get(NUMBER);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("Enable SMS as a backup method",
                "If you lose your app, we can send a 6-digit code to your phone instead.", "Country", "Phone number",
                "Sweden (+46)", "name=\"_csrf\"", "aria-current=\"page\"").doesNotContain("replaces");

        HttpResponse<String> bad = person.browser().post(NUMBER, Map.of("country", "SE", "phone", "12"));
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("Enter a mobile number, for example 070 123 45 67, and check the country.",
                "value=\"12\"");

        String mobile = TwoFactorPerson.uniqueMobile();
        String e164 = TwoFactorPerson.e164(mobile);
        HttpResponse<String> sent = person.browser().post(NUMBER, Map.of("country", "SE", "phone", mobile));
        assertThat(HttpAgent.location(sent)).as(sent.body()).endsWith(CODE);
        assertThat(phone.textsTo(e164)).isEqualTo(1);
        String codePage = person.browser().get(CODE).body();
        assertThat(codePage).contains("Enable SMS as a backup method",
                "We sent a 6-digit code by SMS to +46\u00a0•••••••\u00a0" + mobile.substring(8), "Send a new code",
                "Change number").doesNotContain(e164);

        HttpResponse<String> tooSoon = person.browser().post(CODE, Map.of("action", "resend"));
        assertThat(tooSoon.statusCode()).isEqualTo(429);
        assertThat(tooSoon.body()).contains("A code was sent a moment ago.");
        assertThat(phone.textsTo(e164)).as("nothing more sent").isEqualTo(1);

        String code = phone.smsCodeTo(e164);
        HttpResponse<String> wrong = person.browser().post(CODE, Map.of("code", otherThan(code)));
        assertThat(wrong.statusCode()).isEqualTo(400);
        assertThat(wrong.body()).contains("That code is not right. Check it and try again.");
        assertThat(audited(person.account(), "factor.setup.sms", "failure")).isEqualTo(1);
        assertThat(kinds(person.account())).containsExactly("EMERGENCY_CODE", "TOTP");

        HttpResponse<String> added = person.browser().post(CODE, Map.of("code", code));
        assertThat(HttpAgent.location(added)).as(added.body()).endsWith(MethodsPageTest.PAGE + "?done=sms-added");
        assertThat(person.browser().get(HttpAgent.location(added)).body())
                .contains("The SMS number was added, and a notice was sent to your email.",
                        "Codes by SMS to +46\u00a0•••••••\u00a0" + mobile.substring(8), "Change the SMS number");
        assertThat(kinds(person.account())).containsExactly("EMERGENCY_CODE", "SMS", "TOTP");
        assertThat(factors.phone(person.account().id())).contains(e164);
        assertThat(audited(person.account(), "factor.added", "success", "sms, on My account")).isEqualTo(1);
        assertThat(phone.mailSubjectsTo(person.account().email().value(), "A new way to confirm it is you"))
                .contains("A new way to confirm it is you");
        assertThat(person.browser().post(CODE, Map.of("code", code)).statusCode()).as("spent").isEqualTo(400);

        // The next sign-in can send its code to the number, and that code signs in.
        HttpAgent next = signInBySms(person.account(), e164, "/signin/authenticator-code");
        assertThat(next).isNotNull();
    }

    @Test
    void aNewNumberReplacesTheOldOneWhichGetsNoMoreCodes() {
        Person person = MethodsPageTest.person(issuer, accounts, hasher, jdbc, pairings, "addsms.change",
                OidcClient.web());
        TwoFactorPerson phone = new TwoFactorPerson(jdbc);
        String methods = person.browser().get(MethodsPageTest.PAGE).body();
        assertThat(methods).contains("Change the SMS number").doesNotContain("Add an SMS number");
        String old = person.e164();
        String page = person.browser().get(NUMBER).body();
        assertThat(page).contains("Change the SMS number",
                "When the code sent to the new number is right, it replaces +46\u00a0•••••••\u00a0"
                        + old.substring(old.length() - 2));
        asIfThePauseHadPassed(jdbc, person.account()); // the set-up at the sign-in texted a code a moment ago

        String mobile = TwoFactorPerson.uniqueMobile();
        String e164 = TwoFactorPerson.e164(mobile);
        assertThat(HttpAgent.location(person.browser().post(NUMBER, Map.of("country", "SE", "phone", mobile))))
                .endsWith(CODE);
        HttpResponse<String> replaced = person.browser().post(CODE, Map.of("code", phone.smsCodeTo(e164)));
        assertThat(HttpAgent.location(replaced)).as(replaced.body()).endsWith("?done=sms-replaced");
        assertThat(person.browser().get(HttpAgent.location(replaced)).body())
                .contains("The new SMS number replaces the old one, which no longer gets codes.");
        assertThat(factors.phone(person.account().id())).contains(e164);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM account_factor WHERE account_id = :a AND kind = 'SMS'")
                .param("a", person.account().id()).query(Integer.class).single()).isEqualTo(1);
        assertThat(audited(person.account(), "factor.added", "success",
                "sms, replacing the old number, on My account")).isEqualTo(1);
        assertThat(phone.mailSubjectsTo(person.account().email().value(), "A new way to confirm it is you"))
                .contains("A new way to confirm it is you");

        // The next sign-in's code goes to the new number, not the old one.
        int oldTexts = phone.textsTo(old);
        signInBySms(person.account(), e164, "/signin/check-your-phone");
        assertThat(phone.textsTo(old)).as("the old number gets no code").isEqualTo(oldTexts);
    }

    @Test
    void wrongCodesAreCountedAndLimitedAsAtTheSignIn() {
        // Ten wrong codes per account within 15 minutes (portvakt.two-factor.failed-codes-per-account), counted in one
        // window; five wrong entries stop a code (sms-attempts-per-code).
        LimitWindows.awayFromTheEnd(Duration.ofMinutes(15), Duration.ofSeconds(100));
        AppPerson person = appOnly("addsms.guess");
        TwoFactorPerson phone = new TwoFactorPerson(jdbc);
        String e164 = TwoFactorPerson.e164(TwoFactorPerson.uniqueMobile());
        person.browser().get(NUMBER);
        person.browser().post(NUMBER, Map.of("country", "SE", "phone", e164));
        String code = phone.smsCodeTo(e164);
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> wrong = person.browser().post(CODE, Map.of("code", otherThan(code)));
            assertThat(wrong.statusCode()).isEqualTo(400);
            assertThat(wrong.body()).contains("That code is not right.");
        }
        HttpResponse<String> stopped = person.browser().post(CODE, Map.of("code", code));
        assertThat(stopped.statusCode()).as("the code stopped after five wrong entries").isEqualTo(400);
        assertThat(stopped.body()).contains("That code has expired or was used. Send a new code and use the newest SMS.");
        assertThat(factors.phone(person.account().id())).isEmpty();

        asIfThePauseHadPassed(jdbc, person.account());
        assertThat(person.browser().post(CODE, Map.of("action", "resend")).statusCode()).isEqualTo(200);
        String second = phone.smsCodeTo(e164);
        assertThat(person.browser().post(CODE, Map.of("code", otherThan(second))).statusCode()).isEqualTo(400);
        assertThat(person.browser().post(CODE, Map.of("code", otherThan(second))).statusCode()).isEqualTo(400);
        assertThat(person.browser().post(CODE, Map.of("code", otherThan(second))).statusCode()).isEqualTo(400);
        assertThat(audited(person.account(), "factor.setup.sms", "failure")).isEqualTo(9);
        assertThat(person.browser().post(CODE, Map.of("code", otherThan(second))).statusCode()).isEqualTo(400);
        HttpResponse<String> locked = person.browser().post(CODE, Map.of("code", second));
        assertThat(locked.statusCode()).as("the account's tenth wrong code locks: the right one is not checked")
                .isEqualTo(429);
        assertThat(locked.body()).containsPattern("Too many wrong codes\\. Try again in \\d+ minutes?\\.");
        assertThat(audited(person.account(), "factor.setup.sms", "locked")).isEqualTo(1);
        assertThat(factors.phone(person.account().id())).isEmpty();
    }

    @Test
    void textsAreLimitedPerNumberAsAtTheSignIn() {
        String pumped = TwoFactorPerson.uniqueMobile();
        for (int i = 0; i < 10; i++) {
            String other = TestPeople.account(accounts, "addsms.pumping" + i, null).id();
            assertThat(smsCodes.send(other, SmsCodes.Purpose.CONFIRM_NUMBER, TwoFactorPerson.e164(pumped),
                    java.util.Locale.ENGLISH)).isInstanceOf(SmsCodes.Sending.Sent.class);
        }
        AppPerson person = appOnly("addsms.pumped");
        person.browser().get(NUMBER);
        HttpResponse<String> refused = person.browser().post(NUMBER, Map.of("country", "SE", "phone", pumped));
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.body()).containsPattern("Too many codes have been sent by SMS\\. Try again in \\d+ minutes?\\.")
                .contains("value=\"" + pumped + "\"");
        assertThat(new TwoFactorPerson(jdbc).textsTo(TwoFactorPerson.e164(pumped))).as("nothing more sent")
                .isEqualTo(10);
        assertThat(audited(person.account(), "sms.code", "limited")).isEqualTo(1);
        assertThat(HttpAgent.location(person.browser().get(CODE))).as("no code page: nothing was sent").endsWith(NUMBER);
    }

    @Test
    void onlyTheNumberThisSessionAskedForCanBeConfirmedWhileItIsBeingSetUp() {
        Person person = MethodsPageTest.person(issuer, accounts, hasher, jdbc, pairings, "addsms.race",
                OidcClient.web());
        TwoFactorPerson phone = new TwoFactorPerson(jdbc);
        HttpAgent other = signInBySms(person.account(), person.e164(), "/signin/check-your-phone");
        assertThat(other.get("/account").statusCode()).isEqualTo(200);

        asIfThePauseHadPassed(jdbc, person.account());
        String first = TwoFactorPerson.e164(TwoFactorPerson.uniqueMobile());
        person.browser().get(NUMBER);
        person.browser().post(NUMBER, Map.of("country", "SE", "phone", first));
        String firstCode = phone.smsCodeTo(first);

        // Another session of the same person asks for another number meanwhile.
        asIfThePauseHadPassed(jdbc, person.account());
        String second = TwoFactorPerson.e164(TwoFactorPerson.uniqueMobile());
        other.get(NUMBER);
        assertThat(HttpAgent.location(other.post(NUMBER, Map.of("country", "SE", "phone", second)))).endsWith(CODE);
        String secondCode = phone.smsCodeTo(second);

        assertThat(HttpAgent.location(person.browser().get(CODE))).as("this session's number is no longer set up")
                .endsWith(NUMBER);
        for (String code : List.of(firstCode, secondCode)) {
            HttpResponse<String> refused = person.browser().post(CODE, Map.of("code", code));
            assertThat(refused.statusCode()).isEqualTo(400);
            assertThat(refused.body()).contains("That code has expired or was used.");
        }
        assertThat(factors.phone(person.account().id())).contains(person.e164());

        // The other session's own number goes through, once.
        HttpResponse<String> confirmed = other.post(CODE, Map.of("code", secondCode));
        assertThat(HttpAgent.location(confirmed)).as(confirmed.body()).endsWith("?done=sms-replaced");
        assertThat(factors.phone(person.account().id())).contains(second);
        assertThat(person.browser().post(CODE, Map.of("code", secondCode)).statusCode()).isEqualTo(400);

        // A number set up elsewhere (as the sign-in's SMS backup page does) cannot be confirmed from here.
        String elsewhere = TwoFactorPerson.e164(TwoFactorPerson.uniqueMobile());
        factors.savePending(person.account().id(), FactorKind.SMS, null, elsewhere, Instant.now().plusSeconds(600));
        asIfThePauseHadPassed(jdbc, person.account());
        smsCodes.send(person.account().id(), SmsCodes.Purpose.CONFIRM_NUMBER, elsewhere, java.util.Locale.ENGLISH);
        assertThat(person.browser().post(CODE, Map.of("code", phone.smsCodeTo(elsewhere))).statusCode())
                .isEqualTo(400);
        assertThat(factors.phone(person.account().id())).contains(second);
    }

    @Test
    void aNumberWhoseHourHasPassedCannotBeConfirmed() {
        AppPerson person = appOnly("addsms.stale");
        TwoFactorPerson phone = new TwoFactorPerson(jdbc);
        String e164 = TwoFactorPerson.e164(TwoFactorPerson.uniqueMobile());
        person.browser().get(NUMBER);
        person.browser().post(NUMBER, Map.of("country", "SE", "phone", e164));
        String code = phone.smsCodeTo(e164);
        jdbc.sql("UPDATE pending_factor SET expires_at = :past WHERE account_id = :a")
                .param("past", OffsetDateTime.now(ZoneOffset.UTC).minusMinutes(1))
                .param("a", person.account().id()).update();
        HttpResponse<String> stale = person.browser().post(CODE, Map.of("code", code));
        assertThat(stale.statusCode()).isEqualTo(400);
        assertThat(stale.body()).contains("That code has expired or was used.");
        assertThat(factors.phone(person.account().id())).isEmpty();
        assertThat(HttpAgent.location(person.browser().get(CODE))).endsWith(NUMBER);
    }

    @Test
    void aPersonWithout2faIsNotOfferedANumberAndIsRefused() {
        Account person = TestPeople.account(accounts, "addsms.off", hasher.hash(MethodsPageTest.PASSWORD));
        HttpAgent browser = TestPeople.browser(issuer);
        browser.get(HttpAgent.location(browser.get("/account")));
        browser.post("/signin", Map.of("email", person.email().value()));
        assertThat(browser.follow(browser.post("/signin/password", Map.of("password", MethodsPageTest.PASSWORD)))
                .uri().getPath()).isEqualTo("/account");
        assertThat(browser.get(MethodsPageTest.PAGE).body()).contains("Two-factor authentication is off")
                .doesNotContain("/account/methods/sms").doesNotContain("SMS number");

        HttpResponse<String> page = browser.get(NUMBER);
        assertThat(page.statusCode()).isEqualTo(409);
        assertThat(page.body()).contains("An SMS number is a backup for when your authenticator app or Portvakt "
                + "Authenticator is out of reach. Add one of those first").doesNotContain("name=\"phone\"");
        String e164 = TwoFactorPerson.e164(TwoFactorPerson.uniqueMobile());
        HttpResponse<String> posted = browser.post(NUMBER, Map.of("country", "SE", "phone", e164));
        assertThat(posted.statusCode()).isEqualTo(409);
        assertThat(new TwoFactorPerson(jdbc).textsTo(e164)).isZero();
        assertThat(factors.pending(person.id(), FactorKind.SMS)).isEmpty();
        assertThat(HttpAgent.location(browser.get(CODE))).endsWith(NUMBER);
    }

    @Test
    void withoutItsCsrfTokenOrWithBadInputNothingChangesAndNothingIsA500() {
        AppPerson person = appOnly("addsms.bad");
        TwoFactorPerson phone = new TwoFactorPerson(jdbc);
        String e164 = TwoFactorPerson.e164(TwoFactorPerson.uniqueMobile());
        person.browser().get(NUMBER);
        Map<String, String> number = Map.of("country", "SE", "phone", e164);
        assertThat(person.browser().post(NUMBER, with(number, "_csrf", "forged")).statusCode()).isEqualTo(403);
        byte[] form = HttpAgent.encode(number).getBytes(StandardCharsets.UTF_8);
        assertThat(person.browser().postRaw(NUMBER, "application/x-www-form-urlencoded", form).statusCode())
                .isEqualTo(403);
        assertThat(phone.textsTo(e164)).isZero();
        for (Map<String, String> bad : List.of(Map.<String, String>of(), Map.of("phone", ""),
                Map.of("country", "SE", "phone", "\u0000"), Map.of("country", "\u0000", "phone", "0701"),
                Map.of("country", "SE", "phone", "\uD800'--"), Map.of("country", "SE", "phone", "7".repeat(5000)),
                Map.of("country", "ZZ", "phone", "+999 123"), Map.of("country", "SE", "phone", "08 123 456 78"),
                Map.of("country", "SE", "phone", "+46 70 ABC"))) {
            HttpResponse<String> refused = person.browser().post(NUMBER, bad);
            assertThat(refused.statusCode()).as(bad.toString()).isEqualTo(400);
            assertThat(refused.body()).contains("Enter a mobile number");
        }
        assertThat(factors.pending(person.account().id(), FactorKind.SMS)).isEmpty();

        assertThat(HttpAgent.location(person.browser().post(NUMBER, number))).endsWith(CODE);
        person.browser().get(CODE);
        String code = phone.smsCodeTo(e164);
        assertThat(person.browser().post(CODE, Map.of("_csrf", "forged", "code", code)).statusCode()).isEqualTo(403);
        byte[] codeForm = HttpAgent.encode(Map.of("code", code)).getBytes(StandardCharsets.UTF_8);
        assertThat(person.browser().postRaw(CODE, "application/x-www-form-urlencoded", codeForm).statusCode())
                .isEqualTo(403);
        for (Map<String, String> bad : List.of(Map.<String, String>of(), Map.of("code", "\u0000"),
                Map.of("code", "\uD800'--"), Map.of("code", "1".repeat(5000)))) {
            assertThat(person.browser().post(CODE, bad).statusCode()).as(bad.toString()).isEqualTo(400);
        }
        assertThat(person.browser().post(CODE, Map.of("action", "\u0000")).statusCode()).isEqualTo(400);
        assertThat(HttpAgent.location(person.browser().get(NUMBER + "?phone=1"))).endsWith(NUMBER);
        assertThat(HttpAgent.location(person.browser().get(CODE + "?code=1"))).endsWith(NUMBER);
        assertThat(factors.phone(person.account().id())).isEmpty();
        assertThat(audited(person.account(), "factor.added", "success", "sms, on My account")).isZero();
    }

    /** A person whose only everyday method is an authenticator app (set up at a sign-in), signed in to My account. */
    record AppPerson(Account account, Enrolled enrolled, HttpAgent browser) {}

    private AppPerson appOnly(String who) {
        return appOnly(issuer, accounts, hasher, jdbc, who);
    }

    static AppPerson appOnly(String issuer, AccountStore accounts, PasswordHasher hasher, JdbcClient jdbc, String who) {
        Account account = TestPeople.newcomer(accounts, who, hasher.hash(MethodsPageTest.PASSWORD));
        TwoFactorPerson phone = new TwoFactorPerson(jdbc);
        HttpAgent elsewhere = TestPeople.browser(issuer);
        elsewhere.get(HttpAgent.location(
                elsewhere.get(OidcClient.web().authorizationUrl() + "&acr_values=urn%3Aportvakt%3Aacr%3A2fa")));
        elsewhere.post("/signin", Map.of("email", account.email().value()));
        assertThat(HttpAgent.location(elsewhere.post("/signin/password", Map.of("password", MethodsPageTest.PASSWORD))))
                .endsWith("/signin/two-factor");
        Enrolled enrolled = phone.enrol(elsewhere, null);

        HttpAgent browser = TestPeople.browser(issuer);
        browser.get(HttpAgent.location(browser.get("/account")));
        browser.post("/signin", Map.of("email", account.email().value()));
        assertThat(HttpAgent.location(browser.post("/signin/password", Map.of("password", MethodsPageTest.PASSWORD))))
                .endsWith("/signin/authenticator-code");
        browser.get("/signin/authenticator-code");
        HttpResponse<String> page = browser.follow(browser.post("/signin/authenticator-code",
                Map.of("code", phone.codeNow(enrolled.key(), 1))));
        assertThat(page.uri().getPath()).as(page.body()).isEqualTo("/account");
        return new AppPerson(account, enrolled, browser);
    }

    /**
     * A new browser signs in to My account with a code sent by SMS ("Use another method" from the person's first
     * method, at {@code firstStep}); the code must arrive at {@code e164}. Returns the signed-in browser.
     */
    private HttpAgent signInBySms(Account person, String e164, String firstStep) {
        TwoFactorPerson phone = new TwoFactorPerson(jdbc);
        int before = phone.textsTo(e164);
        HttpAgent browser = TestPeople.browser(issuer);
        browser.get(HttpAgent.location(browser.get("/account")));
        browser.post("/signin", Map.of("email", person.email().value()));
        assertThat(HttpAgent.location(browser.post("/signin/password", Map.of("password", MethodsPageTest.PASSWORD))))
                .endsWith(firstStep);
        browser.get(firstStep);
        assertThat(HttpAgent.location(browser.post(firstStep, Map.of("action", "other"))))
                .endsWith("/signin/other-method");
        browser.get("/signin/other-method");
        assertThat(HttpAgent.location(browser.post("/signin/other-method", Map.of("method", "SMS"))))
                .endsWith("/signin/sms-code");
        assertThat(phone.textsTo(e164)).as("the sign-in's code goes to " + e164).isEqualTo(before + 1);
        browser.get("/signin/sms-code");
        HttpResponse<String> signedIn = browser.follow(browser.post("/signin/sms-code",
                Map.of("code", phone.smsCodeTo(e164))));
        assertThat(signedIn.uri().getPath()).as(signedIn.body()).isEqualTo("/account");
        return browser;
    }

    /**
     * As if the pause between two codes (30 s) had passed since the last code for a number: its text moved back a
     * minute and the pause's count cleared (the limits per account and per number still count every text).
     */
    static void asIfThePauseHadPassed(JdbcClient jdbc, Account person) {
        List<Map.Entry<String, OffsetDateTime>> texts = jdbc.sql("SELECT id, created_at FROM sms_code WHERE account_id = :a")
                .param("a", person.id())
                .query((rs, row) -> Map.entry(rs.getString(1), rs.getObject(2, OffsetDateTime.class)))
                .list();
        for (Map.Entry<String, OffsetDateTime> text : texts) {
            jdbc.sql("UPDATE sms_code SET created_at = :at WHERE id = :id")
                    .param("at", text.getValue().minusMinutes(1)).param("id", text.getKey()).update();
        }
        jdbc.sql("DELETE FROM attempt_counter WHERE counter_key = :key")
                .param("key", "sms.resend:" + person.id() + " CONFIRM_NUMBER").update();
    }

    private static String otherThan(String code) {
        return code.equals("000000") ? "111111" : "000000";
    }

    private static Map<String, String> with(Map<String, String> form, String name, String value) {
        Map<String, String> more = new java.util.LinkedHashMap<>(form);
        more.put(name, value);
        return more;
    }

    private List<String> kinds(Account person) {
        return jdbc.sql("SELECT kind FROM account_factor WHERE account_id = :a ORDER BY kind")
                .param("a", person.id()).query(String.class).list();
    }

    private int audited(Account person, String type, String outcome) {
        return jdbc.sql("SELECT COUNT(*) FROM audit_event WHERE account_id = :a AND event_type = :t AND outcome = :o")
                .param("a", person.id()).param("t", type).param("o", outcome).query(Integer.class).single();
    }

    private int audited(Account person, String type, String outcome, String detail) {
        return jdbc.sql("SELECT COUNT(*) FROM audit_event WHERE account_id = :a AND event_type = :t AND outcome = :o"
                + " AND detail = :d")
                .param("a", person.id()).param("t", type).param("o", outcome).param("d", detail)
                .query(Integer.class).single();
    }
}
