package se.portvakt.myaccount;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;

import se.portvakt.account.Account;
import se.portvakt.account.AccountStore;
import se.portvakt.factor.push.Pairings;
import se.portvakt.myaccount.MethodsPageTest.Person;
import se.portvakt.password.PasswordHasher;
import se.portvakt.testing.AuthenticatorDevice;
import se.portvakt.testing.HttpAgent;
import se.portvakt.testing.OidcClient;
import se.portvakt.testing.OnH2;
import se.portvakt.testing.OnPostgres;
import se.portvakt.testing.TestPeople;
import se.portvakt.testing.TwoFactorPerson;
import tools.jackson.databind.JsonNode;

/**
 * "Add Portvakt Authenticator" on My account, with a sign-in a moment ago (decision 0039): the sign-in's pairing
 * code, the page told when the app paired, then the device is the account's (audited, mailed) and approves the next
 * sign-in. Codes work once, expire, and add a device only for the session and account that were shown them.
 */
abstract class AddDeviceTest {

    @OnH2
    static class OnEmbeddedDatabase extends AddDeviceTest {}

    @OnPostgres
    static class OnPostgreSql extends AddDeviceTest {}

    static final String DEVICE = MethodsPageTest.PAGE + "/device";
    static final String PAIRED = DEVICE + "/paired";
    static final Pattern PAIRING_CODE = Pattern.compile("id=\"pairing-code\"[^>]*>([A-Z0-9-]{14})<");
    static final Pattern NUMBER = Pattern.compile("class=\"number\"[^>]*>([0-9]{2})<");

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
    void aPersonWithout2faPairsAPhoneIsGivenAnEmergencyCodeAndTheNextSignInIsApprovedOnIt() {
        Account person = TestPeople.account(accounts, "adddevice.first", hasher.hash(MethodsPageTest.PASSWORD));
        HttpAgent browser = signedIn(person);
        assertThat(browser.get(MethodsPageTest.PAGE).body()).contains("Two-factor authentication is off",
                "action=\"/account/methods/device\"", "Add Portvakt Authenticator");

        assertThat(HttpAgent.location(browser.post(DEVICE, Map.of()))).endsWith(DEVICE);
        HttpResponse<String> page = browser.get(DEVICE);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("Add your account to the app",
                "Scan the QR code with Portvakt Authenticator to add your account", "<svg", "aria-current=\"page\"",
                "data-wait=\"/account/methods/device/wait\"", "action=\"/account/methods/device/paired\"",
                "/authenticator/#pair=");
        String first = codeOn(page.body());
        assertThat(waitStatus(browser)).isEqualTo("waiting");
        assertThat(firstEvent(browser)).as("the event stream").isEqualTo("waiting");

        // "Next" before the app paired: the page says so, with a new code; the first one is void.
        HttpResponse<String> notYet = browser.post(PAIRED, Map.of());
        assertThat(notYet.statusCode()).isEqualTo(400);
        assertThat(notYet.body()).contains("The app has not added your account yet.");
        String code = codeOn(notYet.body());
        assertThat(code).isNotEqualTo(first);
        assertThat(new AuthenticatorDevice(issuer).pair(first, null).statusCode()).as("voided").isEqualTo(400);

        AuthenticatorDevice phone = new AuthenticatorDevice(issuer);
        HttpResponse<String> paired = phone.pair(code, null);
        assertThat(paired.statusCode()).as(paired.body()).isEqualTo(201);
        assertThat(AuthenticatorDevice.json(paired).get("email").asString()).isEqualTo(person.email().value());
        assertThat(waitStatus(browser)).isEqualTo("ready");
        assertThat(firstEvent(browser)).as("the event stream").isEqualTo("ready");
        assertThat(new AuthenticatorDevice(issuer).pair(code, null).statusCode()).as("used").isEqualTo(400);

        HttpResponse<String> added = browser.post(PAIRED, Map.of());
        assertThat(HttpAgent.location(added)).as(added.body()).endsWith(MethodsPageTest.PAGE + "/emergency-code");
        assertThat(devices(person)).isEqualTo(1);
        assertThat(audited(person, "push, on My account")).isEqualTo(1);
        new TwoFactorPerson(jdbc).mailSubjectsTo(person.email().value(), "A new way to confirm it is you");
        assertThat(mailTexts(person, "A new way to confirm it is you")).singleElement().asString()
                .contains("Portvakt Authenticator on a phone was added to your account").doesNotContain("??");

        // The session counts the pairing as its second factor: My account does not step it up.
        String shown = browser.get(HttpAgent.location(added)).body();
        assertThat(shown).contains("Save your one-time emergency code");
        HttpResponse<String> saved = browser.post(MethodsPageTest.PAGE + "/emergency-code",
                Map.of("code", TwoFactorPerson.emergencyCodeOn(shown), "stored", "on", "action", "done"));
        assertThat(HttpAgent.location(saved)).endsWith("?done=emergency-first");
        assertThat(browser.get(HttpAgent.location(saved)).body()).contains("Two-factor authentication is on",
                "Portvakt Authenticator: Test phone", "Add another phone");

        // "Next" again adds nothing more: the pairing of this page is spent.
        assertThat(HttpAgent.location(browser.post(PAIRED, Map.of()))).endsWith(MethodsPageTest.PAGE);
        assertThat(HttpAgent.location(browser.get(DEVICE))).endsWith(MethodsPageTest.PAGE);
        assertThat(audited(person, "push, on My account")).isEqualTo(1);

        // The next sign-in to an application is a push to the phone, approved with the number the browser shows.
        HttpAgent next = TestPeople.browser(issuer);
        next.get(HttpAgent.location(next.get(OidcClient.web().authorizationUrl())));
        next.post("/signin", Map.of("email", person.email().value()));
        assertThat(HttpAgent.location(next.post("/signin/password", Map.of("password", MethodsPageTest.PASSWORD))))
                .endsWith("/signin/check-your-phone");
        int number = Integer.parseInt(first(NUMBER, next.get("/signin/check-your-phone").body()));
        HttpResponse<String> pending = phone.call("/pending", Map.of());
        assertThat(pending.statusCode()).as(pending.body()).isEqualTo(200);
        List<JsonNode> requests = AuthenticatorDevice.json(pending).get("requests").valueStream().toList();
        assertThat(requests).hasSize(1);
        HttpResponse<String> decided = phone.call("/decide",
                Map.of("request", requests.get(0).get("id").asString(), "decision", "approve", "number", number));
        assertThat(decided.statusCode()).as(decided.body()).isEqualTo(200);
        HttpResponse<String> signedIn = next.post("/signin/check-your-phone", Map.of("action", "continue"));
        assertThat(HttpAgent.location(signedIn)).as(signedIn.body()).doesNotContain("/signin/");
    }

    @Test
    void aPersonWithMethodsAddsAnotherPhone() {
        Person person = MethodsPageTest.person(issuer, accounts, hasher, jdbc, pairings, "adddevice.another",
                OidcClient.web());
        assertThat(person.browser().get(MethodsPageTest.PAGE).body()).contains("Add another phone")
                .doesNotContain("Add Portvakt Authenticator<");
        person.browser().post(DEVICE, Map.of());
        AuthenticatorDevice second = new AuthenticatorDevice(issuer);
        assertThat(second.pair(codeOn(person.browser().get(DEVICE).body()), null).statusCode()).isEqualTo(201);
        HttpResponse<String> added = person.browser().post(PAIRED, Map.of());
        assertThat(HttpAgent.location(added)).as(added.body()).endsWith(MethodsPageTest.PAGE + "?done=device-added");
        assertThat(person.browser().get(HttpAgent.location(added)).body())
                .contains("Portvakt Authenticator was added: it now approves your sign-ins.");
        assertThat(devices(person.account())).isEqualTo(2);
        assertThat(audited(person.account(), "push, on My account")).isEqualTo(1);
        assertThat(second.call("/pending", Map.of()).statusCode()).isEqualTo(200);
        assertThat(person.phone().call("/pending", Map.of()).statusCode()).as("the first one stays").isEqualTo(200);
    }

    @Test
    void aCodeShownToAnotherPersonOrSessionOrExpiredAddsNothingHere() {
        Account person = TestPeople.account(accounts, "adddevice.mine", hasher.hash(MethodsPageTest.PASSWORD));
        Account other = TestPeople.account(accounts, "adddevice.other", hasher.hash(MethodsPageTest.PASSWORD));
        HttpAgent browser = signedIn(person);
        browser.post(DEVICE, Map.of());
        String mine = codeOn(browser.get(DEVICE).body());

        // A code that was replaced by a new showing, and one that expired, pair nothing.
        String fresh = codeOn(browser.get(DEVICE).body());
        assertThat(new AuthenticatorDevice(issuer).pair(mine, null).statusCode()).as("voided by the new one")
                .isEqualTo(400);
        jdbc.sql("UPDATE authenticator_pairing SET expires_at = created_at WHERE account_id = :a AND used_at IS NULL")
                .param("a", person.id()).update();
        assertThat(new AuthenticatorDevice(issuer).pair(fresh, null).statusCode()).as("expired").isEqualTo(400);
        assertThat(devices(person)).isZero();

        // Another person's page: the phone that uses that code is the other person's, and this page still waits.
        HttpAgent theirs = signedIn(other);
        theirs.post(DEVICE, Map.of());
        assertThat(new AuthenticatorDevice(issuer).pair(codeOn(theirs.get(DEVICE).body()), null).statusCode())
                .isEqualTo(201);
        assertThat(devices(other)).isEqualTo(1);
        assertThat(waitStatus(browser)).isEqualTo("waiting");
        HttpResponse<String> notMine = browser.post(PAIRED, Map.of());
        assertThat(notMine.statusCode()).isEqualTo(400);
        assertThat(notMine.body()).contains("The app has not added your account yet.");
        assertThat(devices(person)).isZero();

        // Another browser session of the same person: its pairing is its own; this page does not finish it, and this
        // session, one factor only now that the person has 2FA, is asked for the second factor by My account.
        HttpAgent second = signedIn(person);
        second.post(DEVICE, Map.of());
        assertThat(new AuthenticatorDevice(issuer).pair(codeOn(second.get(DEVICE).body()), null).statusCode())
                .isEqualTo(201);
        assertThat(waitStatus(browser)).isEqualTo("waiting");
        assertThat(HttpAgent.location(browser.post(PAIRED, Map.of()))).endsWith(MethodsPageTest.PAGE);
        assertThat(HttpAgent.location(browser.get(MethodsPageTest.PAGE))).endsWith("/signin/step-up");
        assertThat(HttpAgent.location(browser.post(DEVICE, Map.of()))).endsWith("/signin/step-up");
        assertThat(audited(person, "push, on My account")).isZero();
        assertThat(devices(person)).isEqualTo(1);
        assertThat(HttpAgent.location(second.post(PAIRED, Map.of()))).endsWith(MethodsPageTest.PAGE + "/emergency-code");
        assertThat(audited(person, "push, on My account")).isEqualTo(1);
    }

    @Test
    void withoutItsCsrfTokenOrWithBadInputNothingIsAddedAndNothingIsA500() {
        Account person = TestPeople.account(accounts, "adddevice.bad", hasher.hash(MethodsPageTest.PASSWORD));
        HttpAgent browser = signedIn(person);
        assertThat(HttpAgent.location(browser.get(DEVICE))).as("not started").endsWith(MethodsPageTest.PAGE);
        assertThat(HttpAgent.location(browser.post(PAIRED, Map.of()))).as("not started").endsWith(MethodsPageTest.PAGE);
        assertThat(waitStatus(browser)).as("nothing to wait for").isEqualTo("ready");

        byte[] empty = new byte[0];
        for (String path : List.of(DEVICE, PAIRED)) {
            assertThat(browser.post(path, Map.of("_csrf", "forged")).statusCode()).as(path).isEqualTo(403);
            assertThat(browser.postRaw(path, "application/x-www-form-urlencoded", empty).statusCode()).as(path)
                    .isEqualTo(403);
        }
        assertThat(browser.get(MethodsPageTest.PAGE).statusCode()).isEqualTo(200);
        browser.post(DEVICE, Map.of());
        String code = codeOn(browser.get(DEVICE).body());
        assertThat(HttpAgent.location(browser.get(DEVICE + "?code=" + code))).endsWith(DEVICE);
        for (Map<String, String> bad : List.of(Map.of("action", "\u0000"), Map.of("device", "\uD800'--"),
                Map.of("code", "1".repeat(5000)))) {
            int status = browser.post(PAIRED, bad).statusCode();
            assertThat(status).as(bad.toString()).isEqualTo(400);
            assertThat(browser.post(DEVICE, bad).statusCode()).as(bad.toString()).isEqualTo(302);
        }
        for (String accept : List.of("text/html", "*/*", "application/xml", "text/event-stream;q=x")) {
            assertThat(raw(browser, accept).statusCode()).as(accept).isLessThan(500);
        }
        assertThat(devices(person)).isZero();
        assertThat(audited(person, "push, on My account")).isZero();
    }

    private HttpAgent signedIn(Account person) {
        HttpAgent browser = TestPeople.browser(issuer);
        browser.get(HttpAgent.location(browser.get("/account")));
        browser.post("/signin", Map.of("email", person.email().value()));
        assertThat(browser.follow(browser.post("/signin/password", Map.of("password", MethodsPageTest.PASSWORD)))
                .uri().getPath()).isEqualTo("/account");
        return browser;
    }

    /** The wait asked for with this Accept header, the browser's cookies; an event stream read to its first event. */
    private HttpResponse<String> raw(HttpAgent browser, String accept) {
        HttpClient client = HttpClient.newBuilder().cookieHandler(browser.cookies())
                .connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(issuer + DEVICE + "/wait")).header("Accept", accept)
                .timeout(Duration.ofSeconds(30)).GET().build();
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** The first event of the page's event stream. */
    private String firstEvent(HttpAgent browser) {
        HttpClient client = HttpClient.newBuilder().cookieHandler(browser.cookies())
                .connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(issuer + DEVICE + "/wait"))
                .header("Accept", "text/event-stream").timeout(Duration.ofSeconds(30)).GET().build();
        try {
            HttpResponse<java.util.stream.Stream<String>> answer = client.send(request,
                    HttpResponse.BodyHandlers.ofLines());
            assertThat(answer.statusCode()).isEqualTo(200);
            try (java.util.stream.Stream<String> lines = answer.body()) {
                return lines.filter(line -> line.startsWith("data:")).findFirst().orElseThrow().substring(5).trim();
            }
        } catch (java.io.IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    static String codeOn(String page) {
        return first(PAIRING_CODE, page);
    }

    static String waitStatus(HttpAgent browser) {
        HttpResponse<String> answer = browser.get(DEVICE + "/wait");
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return OidcClient.json(answer).get("status").asString();
    }

    private static String first(Pattern pattern, String page) {
        Matcher matcher = pattern.matcher(page);
        assertThat(matcher.find()).as("%s on %s", pattern, page).isTrue();
        return matcher.group(1);
    }

    private int devices(Account person) {
        return jdbc.sql("SELECT COUNT(*) FROM authenticator_device WHERE account_id = :a")
                .param("a", person.id()).query(Integer.class).single();
    }

    private List<String> mailTexts(Account person, String subject) {
        return jdbc.sql("SELECT text_body FROM dev_outbox WHERE recipient = :to AND subject = :s")
                .param("to", person.email().value()).param("s", subject).query(String.class).list();
    }

    private int audited(Account person, String detail) {
        return jdbc.sql("SELECT COUNT(*) FROM audit_event WHERE account_id = :a AND event_type = 'factor.added'"
                + " AND outcome = 'success' AND detail = :d")
                .param("a", person.id()).param("d", detail).query(Integer.class).single();
    }
}
