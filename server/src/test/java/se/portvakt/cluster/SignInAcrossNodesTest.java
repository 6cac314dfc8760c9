package se.portvakt.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.simple.JdbcClient;

import se.portvakt.account.Account;
import se.portvakt.account.AccountStore;
import se.portvakt.config.PortvaktProperties;
import se.portvakt.factor.totp.TotpSecret;
import se.portvakt.password.PasswordHasher;
import se.portvakt.testing.HttpAgent;
import se.portvakt.testing.LimitWindows;
import se.portvakt.testing.OidcClient;
import se.portvakt.testing.Race;
import se.portvakt.testing.TestPeople;
import se.portvakt.testing.TestServer;
import se.portvakt.testing.TwoFactorPerson;
import se.portvakt.testing.TwoNodes;

/**
 * The cluster journey (issue 14): two nodes on one PostgreSQL database serving one issuer, and a browser and an
 * application whose every request goes to the other node than the one before, as behind a load balancer without
 * sticky sessions. A sign-in begun on one node continues on the other at every step, the tokens are exchanged,
 * refreshed, introspected and revoked on alternating nodes, and a single-use code sent 20 times at once, spread
 * over both nodes, is accepted exactly once.
 */
class SignInAcrossNodesTest {

    private static final String PASSWORD = "a long enough password";
    private static final String SECRET = "test-web-secret";

    private static final String TOO_MANY = "Too many attempts. Try again in ";
    private static final String USED = "That code has expired or was used.";
    private static final String TOO_MANY_CODES = "Too many wrong codes.";
    private static final String SETUP_CODE_REFUSED = "That code does not match.";
    private static final String EMERGENCY_REFUSED = "That emergency code is not right, or it was already used.";
    private static final int RACERS = 20;

    @Test
    void aSignInWithEverySetUpPageAndTheTokensGoFromNodeToNode() throws Exception {
        try (TwoNodes cluster = TwoNodes.start()) {
            TestServer a = cluster.a();
            String[] nodes = cluster.nodes();
            Account person = TestPeople.newcomer(a.bean(AccountStore.class), "journey.two.nodes",
                    cluster.b().bean(PasswordHasher.class).hash(PASSWORD));
            TwoFactorPerson phone = new TwoFactorPerson(a.bean(JdbcClient.class));
            HttpAgent browser = cluster.browser();
            OidcClient.Request first = OidcClient.web();

            // Email, password, the 2FA prompt and every set-up page (app, SMS backup, emergency code), each page's
            // GET and POST on alternating nodes.
            HttpResponse<String> toSignIn = browser.get(first.authorizationUrl());
            assertThat(HttpAgent.location(toSignIn)).endsWith("/signin");
            assertThat(browser.get("/signin").statusCode()).isEqualTo(200);
            assertThat(HttpAgent.location(browser.post("/signin", Map.of("email", person.email().value()))))
                    .endsWith("/signin/password");
            assertThat(browser.get("/signin/password").statusCode()).isEqualTo(200);
            assertThat(HttpAgent.location(browser.post("/signin/password", Map.of("password", PASSWORD))))
                    .endsWith("/signin/two-factor");
            assertThat(browser.get("/signin/two-factor").statusCode()).isEqualTo(200);
            TwoFactorPerson.Enrolled enrolled = phone.enrol(browser, TwoFactorPerson.uniqueMobile());
            URI callback = URI.create(HttpAgent.location(browser.get(HttpAgent.location(enrolled.backToApplication()))));
            assertThat(callback.toString()).startsWith(first.redirectUri);
            assertThat(OidcClient.param(callback, "state")).isEqualTo(first.state);
            assertAlternated(browser.served(), nodes);

            // The code exchanged, the tokens refreshed, introspected and revoked, each on the next node.
            HttpAgent application = new HttpAgent(a.issuer()).alternating(nodes)
                    .header("Authorization", OidcClient.basic(first.clientId, SECRET));
            HttpResponse<String> tokens = application.post("/oauth2/token",
                    OidcClient.codeExchange(first, OidcClient.param(callback, "code")));
            assertThat(tokens.statusCode()).as(tokens.body()).isEqualTo(200);
            assertThat(OidcClient.claims(OidcClient.json(tokens).get("id_token").asString()).get("sub").asString())
                    .isEqualTo(person.id());
            String refreshToken = OidcClient.json(tokens).get("refresh_token").asString();
            HttpResponse<String> refreshed = application.post("/oauth2/token",
                    OidcClient.form("grant_type", "refresh_token", "refresh_token", refreshToken));
            assertThat(refreshed.statusCode()).as(refreshed.body()).isEqualTo(200);
            String accessToken = OidcClient.json(refreshed).get("access_token").asString();
            String newRefreshToken = OidcClient.json(refreshed).has("refresh_token")
                    ? OidcClient.json(refreshed).get("refresh_token").asString() : refreshToken;
            for (int i = 0; i < 2; i++) {
                assertThat(active(application, accessToken)).as("introspected on either node").isTrue();
            }
            assertThat(application.post("/oauth2/revoke", OidcClient.form("token", newRefreshToken)).statusCode())
                    .isEqualTo(200);
            for (int i = 0; i < 2; i++) {
                assertThat(active(application, newRefreshToken)).as("revoked, on either node").isFalse();
            }
            HttpResponse<String> afterRevoke = application.post("/oauth2/token",
                    OidcClient.form("grant_type", "refresh_token", "refresh_token", newRefreshToken));
            assertThat(afterRevoke.statusCode()).isEqualTo(400);
            assertAlternated(application.served(), nodes);

            // The next sign-in asks for the authenticator app's code on one node and takes it on the other; its
            // authorization code, sent 20 times at once spread over both nodes, gives tokens once.
            HttpAgent again = cluster.browser();
            OidcClient.Request second = OidcClient.web();
            again.get(HttpAgent.location(again.get(second.authorizationUrl())));
            again.post("/signin", Map.of("email", person.email().value()));
            HttpResponse<String> asked = again.post("/signin/password", Map.of("password", PASSWORD));
            assertThat(HttpAgent.location(asked)).endsWith("/signin/authenticator-code");
            assertThat(again.get("/signin/authenticator-code").statusCode()).isEqualTo(200);
            HttpResponse<String> passed = again.post("/signin/authenticator-code",
                    Map.of("code", phone.codeNow(enrolled.key(), 1)));
            assertThat(HttpAgent.location(passed)).as(passed.body()).contains("/oauth2/authorize");
            URI secondCallback = URI.create(HttpAgent.location(again.get(HttpAgent.location(passed))));
            assertThat(secondCallback.toString()).startsWith(second.redirectUri);
            assertAlternated(again.served(), nodes);

            HttpAgent racing = new HttpAgent(a.issuer()).alternating(nodes)
                    .header("Authorization", OidcClient.basic(second.clientId, SECRET));
            Map<String, String> exchange = OidcClient.codeExchange(second, OidcClient.param(secondCallback, "code"));
            List<HttpResponse<String>> answers = Race.send(20, () -> racing.post("/oauth2/token", exchange));
            assertThat(answers).filteredOn(r -> r.statusCode() == 200).hasSize(1);
            assertThat(answers).filteredOn(r -> r.statusCode() != 200)
                    .allSatisfy(r -> assertThat(r.body()).contains("invalid_grant"));
            assertThat(racing.served()).filteredOn(nodes[0]::equals).hasSize(10);
        }
    }

    @Test
    void theEmergencyCodeOnAlternatingNodesAndOneSmsCodeSentTwentyTimesOverBothSignInOnce() throws Exception {
        try (TwoNodes cluster = TwoNodes.start()) {
            TestServer a = cluster.a();
            String[] nodes = cluster.nodes();
            LimitWindows.awayFromTheEnd(a.bean(PortvaktProperties.class).twoFactor().window(), Duration.ofMinutes(1));
            Account person = TestPeople.newcomer(a.bean(AccountStore.class), "codes.two.nodes",
                    a.bean(PasswordHasher.class).hash(PASSWORD));
            TwoFactorPerson phone = new TwoFactorPerson(a.bean(JdbcClient.class));
            String mobile = TwoFactorPerson.uniqueMobile();
            HttpAgent enrolling = cluster.browser();
            toSecondStep(enrolling, person);
            TwoFactorPerson.Enrolled enrolled = phone.enrol(enrolling, mobile);
            assertAlternated(enrolling.served(), nodes);

            HttpAgent withEmergencyCode = atMethod(cluster.browser(), person,
                    "EMERGENCY_CODE", "/signin/emergency-code");
            HttpResponse<String> used = withEmergencyCode.post("/signin/emergency-code",
                    Map.of("code", enrolled.emergencyCode()));
            assertThat(HttpAgent.location(used)).as(used.body()).endsWith("/signin/emergency-code-used");
            assertAlternated(withEmergencyCode.served(), nodes);

            // The first browser's switch sends the code; the others find it already sent (too soon to send again).
            List<HttpAgent> browsers = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                browsers.add(atMethod(i % 2 == 0 ? cluster.browser() : cluster.browserFromB(),
                        person, "SMS", "/signin/sms-code"));
            }
            String code = phone.smsCodeTo(TwoFactorPerson.e164(mobile));
            List<HttpResponse<String>> answers = Race.post(browsers, "/signin/sms-code", Map.of("code", code));

            assertThat(answers).filteredOn(HttpAgent::isRedirect).hasSize(1);
            assertThat(answers).filteredOn(r -> !HttpAgent.isRedirect(r)).hasSize(19)
                    .allSatisfy(r -> assertThat(r.body()).containsAnyOf(USED, "Too many wrong codes."))
                    .anySatisfy(r -> assertThat(r.body()).contains(USED));
            assertThat(a.bean(JdbcClient.class).sql("""
                    SELECT count(*) FROM audit_event WHERE account_id = :a AND event_type = 'signin.sms' AND outcome = 'success'
                    """).param("a", person.id()).query(Integer.class).single()).isEqualTo(1);
            assertThat(browsers.stream().map(browser -> browser.served().get(browser.served().size() - 1)))
                    .as("the code submitted ten times on each node").filteredOn(nodes[0]::equals).hasSize(10);
        }
    }

    /**
     * The set-up codes are submitted by one browser: a set-up belongs to its sign-in, so the realistic race is the
     * same form sent again (a double click, a replay) while the first is being checked, here twenty times at once,
     * alternating over both nodes. The emergency code is raced as the SMS code is: twenty sign-ins of the same person,
     * ten begun on each node, submit it at the same moment.
     */
    @Test
    void theSetUpCodesSentTwentyTimesOverBothNodesAndTheEmergencyCodeByTwentyBrowsersWorkOnce() throws Exception {
        try (TwoNodes cluster = TwoNodes.start()) {
            TestServer a = cluster.a();
            String[] nodes = cluster.nodes();
            LimitWindows.awayFromTheEnd(a.bean(PortvaktProperties.class).twoFactor().window(), Duration.ofMinutes(1));
            PasswordHasher hasher = a.bean(PasswordHasher.class);
            AccountStore accounts = a.bean(AccountStore.class);
            JdbcClient jdbc = a.bean(JdbcClient.class);
            TwoFactorPerson phone = new TwoFactorPerson(jdbc);

            // The authenticator app's first code, sent twenty times at once by one browser at its set-up.
            Account withApp = TestPeople.newcomer(accounts, "setup.app.race", hasher.hash(PASSWORD));
            HttpAgent settingUp = cluster.browser();
            toSecondStep(settingUp, withApp);
            TotpSecret key = phone.toSetUpCode(settingUp);
            List<HttpResponse<String>> confirmations = Race.post(Collections.nCopies(RACERS, settingUp),
                    "/signin/authenticator-setup-code", Map.of("code", phone.codeNow(key, 0)));

            assertOnceThenOn(confirmations, "/signin/sms-backup", SETUP_CODE_REFUSED);
            assertRacedOverBoth(settingUp.served(), nodes);
            assertThat(added(jdbc, withApp, "totp")).isEqualTo(1);
            assertThat(settingUp.get("/signin/sms-backup").statusCode()).as("the sign-in went on to the SMS backup")
                    .isEqualTo(200);
            settingUp.post("/signin/sms-backup", Map.of("action", "skip"));
            String saved = TwoFactorPerson.emergencyCodeOn(settingUp.get("/signin/emergency-code-save").body());
            assertThat(HttpAgent.location(settingUp.post("/signin/emergency-code-save",
                    Map.of("code", saved, "stored", "on", "action", "done")))).contains("/oauth2/authorize");

            // The code sent to a new backup number, sent twenty times at once by one browser at its set-up.
            Account withSms = TestPeople.newcomer(accounts, "setup.sms.race", hasher.hash(PASSWORD));
            String mobile = TwoFactorPerson.uniqueMobile();
            HttpAgent addingNumber = cluster.browser();
            toSecondStep(addingNumber, withSms);
            phone.toSmsBackup(addingNumber);
            assertThat(HttpAgent.location(addingNumber.post("/signin/sms-backup", Map.of("country", "SE",
                    "phone", mobile)))).endsWith("/signin/sms-backup-code");
            assertThat(addingNumber.get("/signin/sms-backup-code").statusCode()).isEqualTo(200);
            List<HttpResponse<String>> numbers = Race.post(Collections.nCopies(RACERS, addingNumber),
                    "/signin/sms-backup-code", Map.of("code", phone.smsCodeTo(TwoFactorPerson.e164(mobile))));

            assertOnceThenOn(numbers, "/signin/emergency-code-save", USED);
            assertRacedOverBoth(addingNumber.served(), nodes);
            assertThat(added(jdbc, withSms, "sms")).isEqualTo(1);
            String emergencyCode = TwoFactorPerson.emergencyCodeOn(
                    addingNumber.get("/signin/emergency-code-save").body());
            assertThat(HttpAgent.location(addingNumber.post("/signin/emergency-code-save",
                    Map.of("code", emergencyCode, "stored", "on", "action", "done")))).contains("/oauth2/authorize");

            // The emergency code, submitted at once by twenty browsers at the emergency code page, ten on each node
            // (twenty sign-ins of one person: each refused one is a wrong code of the account).
            Account withCode = TestPeople.newcomer(accounts, "emergency.race", hasher.hash(PASSWORD));
            HttpAgent enrolling = cluster.browser();
            toSecondStep(enrolling, withCode);
            String emergency = phone.enrol(enrolling, null).emergencyCode();
            List<HttpAgent> browsers = new ArrayList<>();
            for (int i = 0; i < RACERS; i++) {
                browsers.add(atMethod(i % 2 == 0 ? cluster.browser() : cluster.browserFromB(),
                        withCode, "EMERGENCY_CODE", "/signin/emergency-code"));
            }
            List<HttpResponse<String>> answers = Race.post(browsers, "/signin/emergency-code", Map.of("code", emergency));

            assertThat(answers).filteredOn(HttpAgent::isRedirect).hasSize(1)
                    .allSatisfy(r -> assertThat(HttpAgent.location(r)).endsWith("/signin/emergency-code-used"));
            assertThat(answers).filteredOn(r -> !HttpAgent.isRedirect(r)).hasSize(RACERS - 1)
                    .allSatisfy(r -> assertThat(r.body()).containsAnyOf(EMERGENCY_REFUSED, TOO_MANY_CODES))
                    .anySatisfy(r -> assertThat(r.body()).contains(EMERGENCY_REFUSED));
            assertThat(jdbc.sql("""
                    SELECT count(*) FROM audit_event
                    WHERE account_id = :a AND event_type = 'signin.emergency-code' AND outcome = 'success'
                    """).param("a", withCode.id()).query(Integer.class).single()).isEqualTo(1);
            assertThat(browsers.stream().map(browser -> browser.served().get(browser.served().size() - 1)))
                    .as("the code submitted ten times on each node").filteredOn(nodes[0]::equals).hasSize(RACERS / 2);
        }
    }

    @Test
    void theLastAnswerSentTwentyTimesOverBothNodesSignsInOnce() throws Exception {
        try (TwoNodes cluster = TwoNodes.start()) {
            TestServer a = cluster.a();
            JdbcClient jdbc = a.bean(JdbcClient.class);
            Account person = TestPeople.newcomer(a.bean(AccountStore.class), "finish.on.two.nodes",
                    a.bean(PasswordHasher.class).hash(PASSWORD));
            HttpAgent browser = cluster.browser();
            toSecondStep(browser, person);
            assertThat(browser.get("/signin/two-factor").statusCode()).isEqualTo(200);

            // "Remind me later", the sign-in's last answer, sent twenty times at once: ten to each node.
            List<HttpResponse<String>> answers = Race.send(RACERS, () -> browser.post("/signin/two-factor",
                    Map.of("action", "later")));

            assertRacedOverBoth(browser.served(), cluster.nodes());
            assertThat(answers).as("back to the application, or (sent after the sign-in renewed the session) an old form")
                    .allSatisfy(r -> {
                        if (r.statusCode() != 403) {
                            assertThat(HttpAgent.location(r)).contains("/oauth2/authorize");
                        }
                    })
                    .anySatisfy(r -> assertThat(r.statusCode()).isEqualTo(302));
            assertThat(jdbc.sql("""
                    SELECT count(*) FROM audit_event WHERE account_id = :a AND event_type = 'signin' AND outcome = 'success'
                    """).param("a", person.id()).query(Integer.class).single()).as("sign-ins").isEqualTo(1);
            HttpResponse<String> answer = answers.stream().filter(r -> r.statusCode() == 302).findFirst().orElseThrow();
            assertThat(HttpAgent.location(browser.get(HttpAgent.location(answer))))
                    .as("the browser is signed in: the application gets its code")
                    .startsWith(OidcClient.web().redirectUri).contains("code=");
        }
    }

    /**
     * One answer of the race moved the sign-in on to {@code next}; the others were refused with the page's message
     * (or, past the account's limit of wrong codes, told to wait), or, arriving after it moved on, sent there too.
     */
    private static void assertOnceThenOn(List<HttpResponse<String>> answers, String next, String refused) {
        assertThat(answers).filteredOn(HttpAgent::isRedirect).isNotEmpty()
                .allSatisfy(r -> assertThat(HttpAgent.location(r)).endsWith(next));
        assertThat(answers).filteredOn(r -> !HttpAgent.isRedirect(r))
                .allSatisfy(r -> assertThat(r.body()).containsAnyOf(refused, TOO_MANY_CODES));
    }

    /** The race's requests went ten to each node. */
    private static void assertRacedOverBoth(List<String> served, String[] nodes) {
        assertThat(served.subList(served.size() - RACERS, served.size())).filteredOn(nodes[0]::equals)
                .hasSize(RACERS / 2);
    }

    /** How many times this kind of factor was added to the account (audited once per set-up that succeeded). */
    private static int added(JdbcClient jdbc, Account person, String kind) {
        return jdbc.sql("""
                SELECT count(*) FROM audit_event
                WHERE account_id = :a AND event_type = 'factor.added' AND outcome = 'success' AND detail = :kind
                """).param("a", person.id()).param("kind", kind).query(Integer.class).single();
    }

    @Test
    void wrongPasswordsSpreadOverBothNodesLockAtTheCountOfOneNode() {
        try (TwoNodes cluster = TwoNodes.start()) {
            TestServer a = cluster.a();
            String[] nodes = cluster.nodes();
            int limit = limitFromOneAddress(a, Duration.ofSeconds(30));
            Account person = TestPeople.account(a.bean(AccountStore.class), "guessed.on.two.nodes",
                    a.bean(PasswordHasher.class).hash(PASSWORD));
            HttpAgent attacker = cluster.browser();
            attacker.get(HttpAgent.location(attacker.get(OidcClient.web().authorizationUrl())));
            attacker.post("/signin", Map.of("email", person.email().value()));
            for (int i = 0; i < limit; i++) {
                HttpResponse<String> wrong = attacker.post("/signin/password", Map.of("password", "guess " + i));
                assertThat(wrong.statusCode()).isEqualTo(200);
                assertThat(wrong.body()).doesNotContain(TOO_MANY);
            }

            HttpResponse<String> refused = attacker.post("/signin/password", Map.of("password", PASSWORD));

            assertThat(refused.body()).as("locked after the limit of one node, not twice it").contains(TOO_MANY);
            assertThat(attacker.served()).filteredOn(nodes[1]::equals).hasSizeGreaterThanOrEqualTo(limit / 2);
            assertThat(outcomes(a, person)).containsOnly("failure", "locked").filteredOn("failure"::equals).hasSize(limit);
        }
    }

    @Test
    void wrongPasswordsPostedAtOnceOverBothNodesAreCheckedNoMoreThanTheLimit() throws Exception {
        // Each check is counted in flight before it is made (decision 0053): a burst over both nodes is bounded by
        // the checks running, as it was by failures counted before their check.
        try (TwoNodes cluster = TwoNodes.start()) {
            TestServer a = cluster.a();
            String[] nodes = cluster.nodes();
            int limit = limitFromOneAddress(a, Duration.ofSeconds(90));
            Account person = TestPeople.account(a.bean(AccountStore.class), "guessed.at.once.on.two.nodes",
                    a.bean(PasswordHasher.class).hash(PASSWORD));
            String address = TestPeople.uniqueAddress();
            List<HttpAgent> browsers = new ArrayList<>();
            for (int i = 0; i < 4 * limit; i++) {
                HttpAgent browser = (i % 2 == 0 ? cluster.browser() : cluster.browserFromB())
                        .header("X-Forwarded-For", address);
                browser.get(HttpAgent.location(browser.get(OidcClient.web().authorizationUrl())));
                browser.post("/signin", Map.of("email", person.email().value()));
                browsers.add(browser);
            }

            List<HttpResponse<String>> answers = Race.post(browsers, "/signin/password", Map.of("password", "a wrong guess"));

            assertThat(browsers).as("the burst went half to each node")
                    .filteredOn(browser -> browser.served().get(browser.served().size() - 1).equals(nodes[1]))
                    .hasSize(2 * limit);
            assertThat(outcomes(a, person)).containsOnly("failure", "locked").filteredOn("failure"::equals)
                    .hasSizeBetween(1, limit);
            assertThat(answers).filteredOn(answer -> answer.body().contains(TOO_MANY)).hasSizeGreaterThanOrEqualTo(3 * limit);
            assertThat(a.bean(JdbcClient.class).sql("""
                    SELECT SUM(inflight) FROM attempt_counter WHERE counter_key LIKE :email
                    """).param("email", "password.%" + person.email().value()).query(Integer.class).single())
                    .as("every check ended, none left in flight").isZero();
        }
    }

    /** The outcomes audited for the person's email, in order. */
    private static List<String> outcomes(TestServer node, Account person) {
        return node.bean(JdbcClient.class).sql("SELECT outcome FROM audit_event WHERE email = :email ORDER BY id")
                .param("email", person.email().value()).query(String.class).list();
    }

    /**
     * The limit of wrong passwords for one email from one address, once the window has {@code needed} left (so that a
     * test's attempts fall in one window).
     */
    private static int limitFromOneAddress(TestServer node, Duration needed) {
        Environment settings = node.bean(Environment.class);
        LimitWindows.awayFromTheEnd(settings.getRequiredProperty("portvakt.limits.window", Duration.class), needed);
        return settings.getRequiredProperty("portvakt.limits.failed-sign-ins-per-account-and-address", Integer.class);
    }

    /** Email and password, the sign-in begun: the browser is at the second step's page or the 2FA prompt. */
    private static void toSecondStep(HttpAgent browser, Account person) {
        browser.get(HttpAgent.location(browser.get(OidcClient.web().authorizationUrl())));
        browser.post("/signin", Map.of("email", person.email().value()));
        browser.get("/signin/password");
        assertThat(HttpAgent.isRedirect(browser.post("/signin/password", Map.of("password", PASSWORD)))).isTrue();
    }

    /** A browser signed in with the password and moved from the authenticator app's page to this method's. */
    private static HttpAgent atMethod(HttpAgent browser, Account person, String method, String page) {
        toSecondStep(browser, person);
        browser.post("/signin/authenticator-code", Map.of("action", "other"));
        assertThat(HttpAgent.location(browser.post("/signin/other-method", Map.of("method", method)))).endsWith(page);
        assertThat(browser.get(page).statusCode()).isEqualTo(200);
        return browser;
    }

    private static boolean active(HttpAgent application, String token) {
        HttpResponse<String> answer = application.post("/oauth2/introspect", OidcClient.form("token", token));
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return OidcClient.json(answer).get("active").asBoolean();
    }

    /** Every request went to the other node than the one before: the test's premise, checked. */
    private static void assertAlternated(List<String> served, String[] nodes) {
        assertThat(served).hasSizeGreaterThan(4);
        for (int i = 0; i < served.size(); i++) {
            assertThat(served.get(i)).isEqualTo(nodes[i % 2]);
        }
    }
}
