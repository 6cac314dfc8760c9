package se.portvakt.signin.push;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;

import se.portvakt.account.Account;
import se.portvakt.account.AccountStore;
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
 * Journey steps 4a and 5 with push over real HTTP, the device played by signed calls of the device protocol
 * (decision 0019): "Get started with 2FA", pairing by the code the page shows, the page told by the server when
 * the app paired, then signing in by approving the number the browser shows; the ID token says {@code swk} and
 * {@code mfa}. Denials, wrong numbers, expiry, "Send again", "Use another method" and the pause each get their page.
 */
abstract class PushSignInTest {

    @OnH2
    static class OnEmbeddedDatabase extends PushSignInTest {}

    @OnPostgres
    static class OnPostgreSql extends PushSignInTest {}

    static final String PASSWORD = "a long enough password";
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

    @Test
    void aPersonSetsUpPushAndSignsInByTappingTheNumberTheBrowserShows() {
        Account person = TestPeople.newcomer(accounts, "push", hasher.hash(PASSWORD));
        HttpAgent browser = TestPeople.browser(issuer);
        OidcClient.Request first = OidcClient.web();
        assertThat(HttpAgent.location(password(browser, first, person))).endsWith("/signin/two-factor");

        // 4a. "Enable" leads to "Get started with 2FA", with the app's own QR code; "Next" to the pairing page.
        assertThat(HttpAgent.location(browser.post("/signin/two-factor", Map.of("action", "enable"))))
                .endsWith("/signin/get-started");
        String getStarted = browser.get("/signin/get-started").body();
        assertThat(getStarted).contains("Get started with 2FA",
                "Download Portvakt Authenticator app to enable push notifications as preferred 2FA option",
                "Download and install the app on your mobile phone", "Download app by scanning QR code",
                "After you install the app on your device, choose &quot;Next&quot; in this screen.",
                "I use another Authenticator app", "<svg");
        assertThat(getStarted).as("no badge without a link").doesNotContain("App Store", "Google Play");
        assertThat(HttpAgent.location(browser.post("/signin/get-started", Map.of("action", "next"))))
                .endsWith("/signin/authenticator-pairing");

        String pairingPage = browser.get("/signin/authenticator-pairing").body();
        assertThat(pairingPage).contains("Scan the QR code with Portvakt Authenticator to add your account");
        String shownFirst = first(PAIRING_CODE, pairingPage);
        assertThat(waitStatus(browser)).isEqualTo("waiting");
        // "Next" before the app paired: the page says so, with a new code (the first one is void: codes are hashed).
        HttpResponse<String> notYet = browser.post("/signin/authenticator-pairing", Map.of("action", "paired"));
        assertThat(notYet.statusCode()).isEqualTo(200);
        assertThat(notYet.body()).contains("The app has not added your account yet.");
        String code = first(PAIRING_CODE, notYet.body());
        assertThat(code).isNotEqualTo(shownFirst);
        assertThat(new AuthenticatorDevice(issuer).pair(shownFirst, null).statusCode()).isEqualTo(400);

        AuthenticatorDevice phone = new AuthenticatorDevice(issuer);
        HttpResponse<String> paired = phone.pair(code.replace("-", "").toLowerCase(), AuthenticatorDevice.subscription());
        assertThat(paired.statusCode()).as(paired.body()).isEqualTo(201);
        assertThat(waitStatus(browser)).isEqualTo("ready");
        HttpResponse<String> next = browser.post("/signin/authenticator-pairing", Map.of("action", "paired"));
        assertThat(HttpAgent.location(next)).as(next.body()).matches(".*/signin/(sms-backup|emergency-code-save)$");
        if (HttpAgent.location(next).endsWith("/sms-backup")) {
            browser.post("/signin/sms-backup", Map.of("action", "skip"));
        }
        String emergency = TwoFactorPerson.emergencyCodeOn(browser.get("/signin/emergency-code-save").body());
        HttpResponse<String> done = browser.post("/signin/emergency-code-save",
                Map.of("code", emergency, "stored", "on", "action", "done"));
        JsonNode setUpToken = OidcClient.idTokenAfter(browser, issuer, first, "test-web-secret", done);
        assertThat(setUpToken.get("amr").toString()).contains("\"swk\"", "\"mfa\"");
        assertThat(jdbc.sql("SELECT detail FROM audit_event WHERE account_id = :a AND event_type = 'factor.added'")
                .param("a", person.id()).query(String.class).list()).contains("push");

        // 5. The next sign-in asks the phone: the browser shows one number, the phone three with it among them.
        HttpAgent nextTime = TestPeople.browser(issuer);
        OidcClient.Request second = OidcClient.web();
        assertThat(HttpAgent.location(password(nextTime, second, person))).endsWith("/signin/check-your-phone");
        String check = nextTime.get("/signin/check-your-phone").body();
        assertThat(check).contains("Check your phone", "Send again", "Use another method");
        int number = Integer.parseInt(first(NUMBER, check));
        JsonNode request = onlyPending(phone);
        assertThat(request.get("numbers").valueStream().map(JsonNode::asInt).toList()).hasSize(3).contains(number);
        assertThat(request.get("application").asString()).isNotBlank();

        HttpResponse<String> early = nextTime.post("/signin/check-your-phone", Map.of("action", "continue"));
        assertThat(early.body()).contains("The request has not been approved yet.");
        assertThat(decide(phone, request, "approve", number)).isEqualTo("approved");
        assertThat(waitStatus(nextTime)).isEqualTo("ready");
        HttpResponse<String> approved = nextTime.post("/signin/check-your-phone", Map.of("action", "continue"));
        JsonNode token = OidcClient.idTokenAfter(nextTime, issuer, second, "test-web-secret", approved);
        assertThat(token.get("amr").toString()).contains("\"pwd\"", "\"swk\"", "\"mfa\"");
        assertThat(token.get("acr").asString()).isEqualTo("urn:portvakt:acr:2fa");
    }

    @Test
    void aDenialAWrongNumberAndAnExpiredRequestEachSaySoAndSendAgainAsksAnew() {
        Account person = TestPeople.newcomer(accounts, "push.denied", hasher.hash(PASSWORD));
        AuthenticatorDevice phone = paired(person);
        HttpAgent browser = TestPeople.browser(issuer);
        assertThat(HttpAgent.location(password(browser, OidcClient.web(), person))).endsWith("/signin/check-your-phone");

        JsonNode denied = onlyPending(phone);
        assertThat(decide(phone, denied, "deny", null)).isEqualTo("denied");
        assertThat(waitStatus(browser)).isEqualTo("ready");
        HttpResponse<String> afterDenial = browser.post("/signin/check-your-phone", Map.of("action", "continue"));
        assertThat(HttpAgent.location(afterDenial)).endsWith("/signin/check-your-phone");
        assertThat(browser.get("/signin/check-your-phone").body()).contains("The request was denied on your phone.");

        browser.post("/signin/check-your-phone", Map.of("action", "resend"));
        String page = browser.get("/signin/check-your-phone").body();
        int number = Integer.parseInt(first(NUMBER, page));
        JsonNode wrong = onlyPending(phone);
        assertThat(wrong.get("id").asString()).isNotEqualTo(denied.get("id").asString());
        int other = wrong.get("numbers").valueStream().map(JsonNode::asInt).filter(n -> n != number).findFirst().orElseThrow();
        assertThat(decide(phone, wrong, "approve", other)).isEqualTo("wrong-number");
        assertThat(browser.get("/signin/check-your-phone").body()).contains("The request was denied on your phone.");

        browser.post("/signin/check-your-phone", Map.of("action", "resend"));
        JsonNode late = onlyPending(phone);
        jdbc.sql("UPDATE push_request SET expires_at = :past WHERE id = :id")
                .param("past", OffsetDateTime.now(ZoneOffset.UTC).minusSeconds(1)).param("id", late.get("id").asString())
                .update();
        assertThat(waitStatus(browser)).isEqualTo("ready");
        assertThat(browser.get("/signin/check-your-phone").body()).contains("The request expired before it was approved.");
        assertThat(decide(phone, late, "approve", late.get("numbers").get(0).asInt())).isEqualTo("expired");

        // "Use another method" ends the waiting request; the push is one of the choices offered.
        browser.post("/signin/check-your-phone", Map.of("action", "resend"));
        JsonNode abandoned = onlyPending(phone);
        assertThat(HttpAgent.location(browser.post("/signin/check-your-phone", Map.of("action", "other"))))
                .endsWith("/signin/other-method");
        assertThat(pending(phone)).isEmpty();
        assertThat(decide(phone, abandoned, "approve", abandoned.get("numbers").get(0).asInt())).isNotEqualTo("approved");
        assertThat(browser.get("/signin/other-method").body()).contains("Approve on your phone with Portvakt Authenticator");
    }

    @Test
    void theWaitingPageHearsOfTheApprovalOverServerSentEvents() throws Exception {
        Account person = TestPeople.newcomer(accounts, "push.events", hasher.hash(PASSWORD));
        AuthenticatorDevice phone = paired(person);
        HttpAgent browser = TestPeople.browser(issuer);
        password(browser, OidcClient.web(), person);
        JsonNode request = onlyPending(phone);
        int number = Integer.parseInt(first(NUMBER, browser.get("/signin/check-your-phone").body()));

        HttpClient events = HttpClient.newBuilder().cookieHandler(browser.cookies()).build();
        HttpResponse<java.io.InputStream> stream = events.send(HttpRequest.newBuilder(URI.create(issuer + "/signin/wait"))
                .header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(stream.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        BufferedReader reader = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8));
        assertThat(readUntil(reader, "data:waiting")).containsExactly("event:status", "data:waiting");

        // The stream is open and waiting: the approval wakes it.
        assertThat(decide(phone, request, "approve", number)).isEqualTo("approved");
        CompletableFuture<List<String>> rest = CompletableFuture.supplyAsync(() -> readUntil(reader, "data:ready"));
        assertThat(rest.get(10, TimeUnit.SECONDS)).containsExactly("event:status", "data:ready");
        reader.close();
    }

    @Test
    void aDecisionTakenThroughAnotherNodeReachesTheWaitingStreamToo() throws Exception {
        Account person = TestPeople.newcomer(accounts, "push.other-node", hasher.hash(PASSWORD));
        AuthenticatorDevice phone = paired(person);
        HttpAgent browser = TestPeople.browser(issuer);
        password(browser, OidcClient.web(), person);
        JsonNode request = onlyPending(phone);

        HttpClient events = HttpClient.newBuilder().cookieHandler(browser.cookies()).build();
        HttpResponse<java.io.InputStream> stream = events.send(HttpRequest.newBuilder(URI.create(issuer + "/signin/wait"))
                .header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofInputStream());
        BufferedReader reader = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8));
        assertThat(readUntil(reader, "data:waiting")).containsExactly("event:status", "data:waiting");

        // Another node wrote the approval: this node had no event of it, only the database says so.
        jdbc.sql("UPDATE push_request SET state = 'APPROVED', pending_flow_id = NULL, decided_at = :now WHERE id = :id")
                .param("now", OffsetDateTime.now(ZoneOffset.UTC)).param("id", request.get("id").asString()).update();
        CompletableFuture<List<String>> rest = CompletableFuture.supplyAsync(() -> readUntil(reader, "data:ready"));
        assertThat(rest.get(10, TimeUnit.SECONDS)).containsExactly("event:status", "data:ready");
        reader.close();
    }

    @Test
    void pushPausedForTheAccountSaysSoAndTheOtherMethodsStillWork() {
        Account person = TestPeople.newcomer(accounts, "push.paused", hasher.hash(PASSWORD));
        paired(person);
        jdbc.sql("""
                INSERT INTO push_pause (account_id, counted_from, paused_until, reason) VALUES (:a, :now, :until, 'REPORTED')
                """).param("a", person.id()).param("now", OffsetDateTime.now(ZoneOffset.UTC))
                .param("until", OffsetDateTime.now(ZoneOffset.UTC).plusMinutes(30)).update();
        HttpAgent browser = TestPeople.browser(issuer);
        assertThat(HttpAgent.location(password(browser, OidcClient.web(), person))).endsWith("/signin/check-your-phone");
        String page = browser.get("/signin/check-your-phone").body();
        assertThat(page).contains("Push approval is paused for your account for 30 minutes", "Use another method")
                .doesNotContain("Send again");
        assertThat(HttpAgent.location(browser.post("/signin/check-your-phone", Map.of("action", "other"))))
                .endsWith("/signin/other-method");
    }

    @Test
    void anApprovalOfTheFirstAccountPassesNothingAfterTheBackArrowAndAnotherAccount() {
        Account first = TestPeople.newcomer(accounts, "push.first", hasher.hash(PASSWORD));
        Account second = TestPeople.newcomer(accounts, "push.second", hasher.hash(PASSWORD));
        AuthenticatorDevice firstPhone = paired(first);
        paired(second);
        jdbc.sql("""
                INSERT INTO push_pause (account_id, counted_from, paused_until, reason) VALUES (:a, :now, :until, 'REPORTED')
                """).param("a", second.id()).param("now", OffsetDateTime.now(ZoneOffset.UTC))
                .param("until", OffsetDateTime.now(ZoneOffset.UTC).plusMinutes(30)).update();

        HttpAgent browser = TestPeople.browser(issuer);
        OidcClient.Request request = OidcClient.web();
        assertThat(HttpAgent.location(password(browser, request, first))).endsWith("/signin/check-your-phone");
        int number = Integer.parseInt(first(NUMBER, browser.get("/signin/check-your-phone").body()));
        JsonNode firstRequest = onlyPending(firstPhone);

        // The back arrow, the second person's address and password: their push is paused, no request is sent.
        browser.get("/signin");
        browser.post("/signin", Map.of("email", second.email().value()));
        browser.get("/signin/password");
        assertThat(HttpAgent.location(browser.post("/signin/password", Map.of("password", PASSWORD))))
                .endsWith("/signin/check-your-phone");
        assertThat(decide(firstPhone, firstRequest, "approve", number)).isEqualTo("approved");

        assertThat(browser.get("/signin/check-your-phone").body()).contains("Push approval is paused for your account");
        HttpResponse<String> continued = browser.post("/signin/check-your-phone", Map.of("action", "continue"));
        assertThat(HttpAgent.location(continued)).as("no way to the application").endsWith("/signin/check-your-phone");
    }

    @Test
    void aDevicePairedForTheFirstAccountIsNoFactorOfAnotherAfterTheBackArrow() {
        Account first = TestPeople.newcomer(accounts, "pair.first", hasher.hash(PASSWORD));
        Account second = TestPeople.newcomer(accounts, "pair.second", hasher.hash(PASSWORD));
        HttpAgent browser = TestPeople.browser(issuer);
        password(browser, OidcClient.web(), first);
        browser.post("/signin/two-factor", Map.of("action", "enable"));
        browser.post("/signin/get-started", Map.of("action", "next"));
        String code = first(PAIRING_CODE, browser.get("/signin/authenticator-pairing").body());
        assertThat(new AuthenticatorDevice(issuer).pair(code, null).statusCode()).isEqualTo(201);

        // The back arrow before "Next": the second person, in the same sign-in, reaches their own pairing page.
        browser.get("/signin");
        browser.post("/signin", Map.of("email", second.email().value()));
        browser.get("/signin/password");
        assertThat(HttpAgent.location(browser.post("/signin/password", Map.of("password", PASSWORD))))
                .endsWith("/signin/two-factor");
        browser.post("/signin/two-factor", Map.of("action", "enable"));
        browser.post("/signin/get-started", Map.of("action", "next"));
        browser.get("/signin/authenticator-pairing");
        assertThat(waitStatus(browser)).isEqualTo("waiting");
        HttpResponse<String> next = browser.post("/signin/authenticator-pairing", Map.of("action", "paired"));
        assertThat(next.statusCode()).isEqualTo(200);
        assertThat(next.body()).contains("The app has not added your account yet.");
    }

    /** A person with push set up (and an emergency code), signed out again. */
    private AuthenticatorDevice paired(Account person) {
        HttpAgent browser = TestPeople.browser(issuer);
        password(browser, OidcClient.web(), person);
        browser.post("/signin/two-factor", Map.of("action", "enable"));
        browser.post("/signin/get-started", Map.of("action", "next"));
        String code = first(PAIRING_CODE, browser.get("/signin/authenticator-pairing").body());
        AuthenticatorDevice phone = new AuthenticatorDevice(issuer);
        assertThat(phone.pair(code, null).statusCode()).isEqualTo(201);
        HttpResponse<String> next = browser.post("/signin/authenticator-pairing", Map.of("action", "paired"));
        if (HttpAgent.location(next).endsWith("/sms-backup")) {
            browser.post("/signin/sms-backup", Map.of("action", "skip"));
        }
        String emergency = TwoFactorPerson.emergencyCodeOn(browser.get("/signin/emergency-code-save").body());
        HttpResponse<String> done = browser.post("/signin/emergency-code-save",
                Map.of("code", emergency, "stored", "on", "action", "done"));
        assertThat(HttpAgent.location(done)).contains("/oauth2/authorize");
        return phone;
    }

    static HttpResponse<String> password(HttpAgent browser, OidcClient.Request request, Account person) {
        HttpResponse<String> response = OidcClient.throughPassword(browser, request, person.email().value(), PASSWORD);
        assertThat(HttpAgent.isRedirect(response)).as(response.body()).isTrue();
        return response;
    }

    static String waitStatus(HttpAgent browser) {
        HttpResponse<String> answer = browser.get("/signin/wait");
        assertThat(answer.statusCode()).isEqualTo(200);
        return OidcClient.json(answer).get("status").asString();
    }

    private static List<JsonNode> pending(AuthenticatorDevice phone) {
        HttpResponse<String> answer = phone.call("/pending", Map.of());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return AuthenticatorDevice.json(answer).get("requests").valueStream().toList();
    }

    private static JsonNode onlyPending(AuthenticatorDevice phone) {
        List<JsonNode> requests = pending(phone);
        assertThat(requests).hasSize(1);
        return requests.get(0);
    }

    private static String decide(AuthenticatorDevice phone, JsonNode request, String decision, Integer number) {
        Map<String, Object> fields = number == null
                ? Map.of("request", request.get("id").asString(), "decision", decision)
                : Map.of("request", request.get("id").asString(), "decision", decision, "number", number);
        HttpResponse<String> answer = phone.call("/decide", fields);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return AuthenticatorDevice.json(answer).get("outcome").asString();
    }

    static String first(Pattern pattern, String page) {
        Matcher matcher = pattern.matcher(page);
        assertThat(matcher.find()).as("%s on %s", pattern, page).isTrue();
        return matcher.group(1);
    }

    /** The non-blank lines of an event stream, spaces removed, up to and with {@code last}. */
    private static List<String> readUntil(BufferedReader reader, String last) {
        List<String> lines = new ArrayList<>();
        try {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (!line.isBlank()) {
                    lines.add(line.replace(" ", ""));
                }
                if (line.replace(" ", "").equals(last)) {
                    return lines;
                }
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        throw new AssertionError("the stream ended before " + last + ": " + lines);
    }
}
