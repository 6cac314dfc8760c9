package se.portvakt.myaccount;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;

import se.portvakt.account.Account;
import se.portvakt.account.AccountStore;
import se.portvakt.factor.push.Pairings;
import se.portvakt.factor.totp.TotpSecret;
import se.portvakt.myaccount.MethodsPageTest.Person;
import se.portvakt.password.PasswordHasher;
import se.portvakt.testing.HttpAgent;
import se.portvakt.testing.Oathtool;
import se.portvakt.testing.OidcClient;
import se.portvakt.testing.OnH2;
import se.portvakt.testing.OnPostgres;
import se.portvakt.testing.TestPeople;
import se.portvakt.testing.TwoFactorPerson;

/**
 * "Add an authenticator app" on My account, with a sign-in a moment ago: the sign-in's QR code and key, a wrong code
 * refused with the set-up page's message, a right one enrolls the app (replacing an old one, or turning 2FA on and
 * then giving an emergency code), audited and mailed; the next sign-in takes the new app's code (oathtool's).
 */
abstract class AddAuthenticatorAppTest {

    @OnH2
    static class OnEmbeddedDatabase extends AddAuthenticatorAppTest {}

    @OnPostgres
    static class OnPostgreSql extends AddAuthenticatorAppTest {}

    static final String APP = MethodsPageTest.PAGE + "/authenticator";

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

    @Test
    void aPersonWithout2faAddsAnAppAndIsGivenAnEmergencyCodeThenSignsInWithTheAppsCode() {
        Account person = TestPeople.account(accounts, "addapp.first", hasher.hash(MethodsPageTest.PASSWORD));
        HttpAgent browser = TestPeople.browser(issuer);
        browser.get(HttpAgent.location(browser.get("/account")));
        browser.post("/signin", Map.of("email", person.email().value()));
        assertThat(browser.follow(browser.post("/signin/password", Map.of("password", MethodsPageTest.PASSWORD)))
                .uri().getPath()).isEqualTo("/account");
        String methods = browser.get(MethodsPageTest.PAGE).body();
        assertThat(methods).contains("Two-factor authentication is off", "href=\"/account/methods/authenticator\"",
                "Add an authenticator app");

        HttpResponse<String> setUp = browser.get(APP);
        assertThat(setUp.statusCode()).isEqualTo(200);
        assertThat(setUp.body()).contains("Set up your authenticator app", "<svg", "name=\"_csrf\"")
                .doesNotContain("replaces your old app");
        TotpSecret key = TwoFactorPerson.keyOn(setUp.body());
        assertThat(TwoFactorPerson.keyOn(browser.get(APP).body())).as("a reload shows the same key").isEqualTo(key);

        HttpResponse<String> wrong = browser.post(APP, Map.of("code", "000000"));
        assertThat(wrong.statusCode()).isEqualTo(400);
        assertThat(wrong.body()).contains("That code does not match.");
        assertThat(TwoFactorPerson.keyOn(wrong.body())).as("the same key again").isEqualTo(key);
        assertThat(kinds(person)).isEmpty();

        TwoFactorPerson helper = new TwoFactorPerson(jdbc);
        HttpResponse<String> added = browser.post(APP, Map.of("code", helper.codeNow(key, -1)));
        assertThat(HttpAgent.location(added)).as(added.body()).endsWith(MethodsPageTest.PAGE + "/emergency-code");
        assertThat(kinds(person)).containsExactly("TOTP");
        assertThat(audited(person, "totp, on My account")).isEqualTo(1);
        assertThat(helper.mailSubjectsTo(person.email().value(), "A new way to confirm it is you"))
                .contains("A new way to confirm it is you");

        String shown = browser.get(HttpAgent.location(added)).body();
        assertThat(shown).contains("Save your one-time emergency code").doesNotContain("replaces your old one");
        String code = TwoFactorPerson.emergencyCodeOn(shown);
        HttpResponse<String> saved = browser.post(MethodsPageTest.PAGE + "/emergency-code",
                Map.of("code", code, "stored", "on", "action", "done"));
        assertThat(HttpAgent.location(saved)).endsWith("?done=emergency-first");
        assertThat(browser.get(HttpAgent.location(saved)).body()).contains("Your emergency code is saved",
                "Two-factor authentication is on", "Authenticator app (codes)", "Move the authenticator app to a new phone");
        assertThat(kinds(person)).containsExactly("EMERGENCY_CODE", "TOTP");
        // The first code replaced none: its mail and audit row say so, not that an old one stopped working.
        assertThat(helper.mailSubjectsTo(person.email().value(), "Your emergency code was saved"))
                .contains("Your emergency code was saved").doesNotContain("A new emergency code was made");
        assertThat(jdbc.sql("SELECT text_body FROM dev_outbox WHERE recipient = :to AND subject = :s")
                .param("to", person.email().value()).param("s", "Your emergency code was saved")
                .query(String.class).single())
                .contains("A one-time emergency code was saved for your account").doesNotContain("old one");
        assertThat(audited(person, "emergency_code, on My account")).isEqualTo(1);

        // The next sign-in to an application asks for the app's code, and oathtool's (the new key's) is accepted.
        HttpAgent next = TestPeople.browser(issuer);
        next.get(HttpAgent.location(next.get(OidcClient.web().authorizationUrl())));
        next.post("/signin", Map.of("email", person.email().value()));
        assertThat(HttpAgent.location(next.post("/signin/password", Map.of("password", MethodsPageTest.PASSWORD))))
                .endsWith("/signin/authenticator-code");
        HttpResponse<String> signedIn = next.post("/signin/authenticator-code",
                Map.of("code", Oathtool.totp(key.base32())));
        assertThat(HttpAgent.location(signedIn)).as(signedIn.body()).doesNotContain("/signin/");
    }

    @Test
    void anAppForANewPhoneReplacesTheOldOneWhoseCodesStopWorking() {
        Person person = MethodsPageTest.person(issuer, accounts, hasher, jdbc, pairings, "addapp.replace",
                OidcClient.web());
        assertThat(person.browser().get(MethodsPageTest.PAGE).body())
                .contains("Move the authenticator app to a new phone");
        String page = person.browser().get(APP).body();
        assertThat(page).contains("replaces your old app");
        TotpSecret key = TwoFactorPerson.keyOn(page);
        assertThat(key).isNotEqualTo(person.enrolled().key());
        TwoFactorPerson helper = new TwoFactorPerson(jdbc);

        HttpResponse<String> oldApp = person.browser().post(APP, Map.of("code",
                helper.codeNow(person.enrolled().key(), 0)));
        assertThat(oldApp.statusCode()).as("the old app's code is not the new key's").isEqualTo(400);

        HttpResponse<String> replaced = person.browser().post(APP, Map.of("code", helper.codeNow(key, -1)));
        assertThat(HttpAgent.location(replaced)).endsWith(MethodsPageTest.PAGE + "?done=app-replaced");
        assertThat(person.browser().get(HttpAgent.location(replaced)).body())
                .contains("The new authenticator app replaces the old one");
        assertThat(audited(person.account(), "totp, replacing the old app, on My account")).isEqualTo(1);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM account_factor WHERE account_id = :a AND kind = 'TOTP'")
                .param("a", person.account().id()).query(Integer.class).single()).isEqualTo(1);

        assertThat(signInWithCode(person.account(), helper.codeNow(person.enrolled().key(), 1)).statusCode())
                .as("the old app's code").isEqualTo(200);
        HttpResponse<String> signedIn = signInWithCode(person.account(), Oathtool.totp(key.base32()));
        assertThat(HttpAgent.location(signedIn)).as(signedIn.body()).doesNotContain("/signin/");
    }

    @Test
    void withoutItsCsrfTokenOrWithBadInputNothingIsAddedAndNothingIsA500() {
        Person person = MethodsPageTest.person(issuer, accounts, hasher, jdbc, pairings, "addapp.bad",
                OidcClient.web());
        TwoFactorPerson helper = new TwoFactorPerson(jdbc);
        TotpSecret key = TwoFactorPerson.keyOn(person.browser().get(APP).body());
        String right = helper.codeNow(key, 0);

        assertThat(person.browser().post(APP, Map.of("_csrf", "forged", "code", right)).statusCode()).isEqualTo(403);
        byte[] form = HttpAgent.encode(Map.of("code", right)).getBytes(StandardCharsets.UTF_8);
        assertThat(person.browser().postRaw(APP, "application/x-www-form-urlencoded", form).statusCode())
                .isEqualTo(403);
        for (Map<String, String> bad : java.util.List.of(Map.<String, String>of(), Map.of("code", ""),
                Map.of("code", "\u0000"), Map.of("code", "\uD800'--"), Map.of("code", "1".repeat(5000)),
                Map.of("code", "12345"))) {
            assertThat(person.browser().post(APP, bad).statusCode()).as(bad.toString()).isEqualTo(400);
        }
        assertThat(HttpAgent.location(person.browser().get(APP + "?code=1"))).endsWith(APP);
        assertThat(audited(person.account(), "totp, replacing the old app, on My account")).isZero();
        assertThat(TwoFactorPerson.keyOn(person.browser().get(APP).body())).as("still waiting").isEqualTo(key);
    }

    private HttpResponse<String> signInWithCode(Account person, String code) {
        HttpAgent browser = TestPeople.browser(issuer);
        browser.get(HttpAgent.location(browser.get(OidcClient.web().authorizationUrl())));
        browser.post("/signin", Map.of("email", person.email().value()));
        browser.post("/signin/password", Map.of("password", MethodsPageTest.PASSWORD));
        browser.post("/signin/check-your-phone", Map.of("action", "other"));
        browser.post("/signin/other-method", Map.of("method", "TOTP"));
        browser.get("/signin/authenticator-code");
        return browser.post("/signin/authenticator-code", Map.of("code", code));
    }

    private java.util.List<String> kinds(Account person) {
        return jdbc.sql("SELECT kind FROM account_factor WHERE account_id = :a ORDER BY kind")
                .param("a", person.id()).query(String.class).list();
    }

    private int audited(Account person, String detail) {
        return jdbc.sql("SELECT COUNT(*) FROM audit_event WHERE account_id = :a AND event_type = 'factor.added'"
                + " AND outcome = 'success' AND detail = :d")
                .param("a", person.id()).param("d", detail).query(Integer.class).single();
    }
}
