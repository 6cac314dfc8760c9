package se.portvakt.myaccount;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
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
import se.portvakt.client.Clients;
import se.portvakt.password.PasswordHasher;
import se.portvakt.testing.HttpAgent;
import se.portvakt.testing.OidcClient;
import se.portvakt.testing.OnH2;
import se.portvakt.testing.OnPostgres;
import se.portvakt.testing.TestPeople;

/**
 * "Where you are signed in" on My account: the person's own browser sessions, this one marked, and signing out of
 * another one or of every other one, which ends that browser's session and the tokens of the applications signed in
 * through it (as its own sign-out would). Each browser here is a cookie jar of its own with its own User-Agent and
 * address.
 */
abstract class WhereYouAreSignedInTest {

    @OnH2
    static class OnEmbeddedDatabase extends WhereYouAreSignedInTest {}

    @OnPostgres
    static class OnPostgreSql extends WhereYouAreSignedInTest {}

    private static final String PASSWORD = "a long enough password";
    private static final String CHROME_ON_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
            + "(KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
    private static final String FIREFOX_ON_LINUX =
            "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";
    private static final String SAFARI_ON_IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) "
            + "AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1";
    private static final String EDGE_ON_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
            + "(KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0";
    private static final Pattern ROW = Pattern.compile("<li\\b(?:(?!</li>).)*</li>", Pattern.DOTALL);
    private static final Pattern HANDLE = Pattern.compile("name=\"session\" value=\"([^\"]+)\"");

    @Value("${portvakt.issuer}")
    String issuer;

    @Autowired
    AccountStore accounts;

    @Autowired
    PasswordHasher hasher;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    Clients clients;

    /** A browser of its own: its cookies, address and User-Agent. */
    private record Browser(HttpAgent agent, String address) {}

    private Browser browser(String userAgent) {
        String address = TestPeople.uniqueAddress();
        return new Browser(new HttpAgent(issuer).header("X-Forwarded-For", address).header("User-Agent", userAgent)
                .header("Accept", "text/html"), address);
    }

    @Test
    void theListShowsThePersonsOwnSessionsOnlyWithThisOneMarked() {
        Account anna = person("sessions.list");
        Account bertil = person("sessions.list.other");
        Browser office = browser(CHROME_ON_WINDOWS);
        Browser home = browser(FIREFOX_ON_LINUX);
        Browser bertils = browser(SAFARI_ON_IPHONE);
        signInAtMyAccount(office, anna);
        signInToAnApplication(home, anna);
        signInAtMyAccount(bertils, bertil);

        HttpResponse<String> page = office.agent().get("/account/sessions");

        assertThat(page.statusCode()).isEqualTo(200);
        List<String> rows = rows(page.body());
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0)).as("this one first").contains("Chrome on Windows", office.address(), "This device",
                "action=\"/signout\"").doesNotContain("name=\"session\"");
        assertThat(rows.get(1)).contains("Firefox on Linux", home.address(), "Signed in ", "Last active ",
                "action=\"/account/sessions/end\"").doesNotContain("This device");
        assertThat(page.body()).contains("Where you are signed in", "Sign out everywhere else",
                        "href=\"/account/sessions\"", "aria-current=\"page\"")
                .doesNotContain("iPhone", bertils.address(), bertil.email().value());
        // Never a session id on the page: not the id, nor the cookie that carries it, nor its sid.
        for (String id : sessionIds(anna)) {
            assertThat(page.body()).doesNotContain(id,
                    Base64.getEncoder().encodeToString(id.getBytes(StandardCharsets.US_ASCII)),
                    sid(id));
        }
        assertThat(office.agent().get("/account").body()).as("the overview links to it")
                .contains("href=\"/account/sessions\"", "Where you are signed in");
    }

    @Test
    void signingOutAnotherSessionEndsItAndTheTokensOfItsApplications() {
        Account anna = person("sessions.one");
        Browser office = browser(CHROME_ON_WINDOWS);
        Browser home = browser(FIREFOX_ON_LINUX);
        signInAtMyAccount(office, anna);
        String homeRefresh = signInToAnApplication(home, anna);
        // An application that is told of logouts, signed in to through the same browser.
        ToldApplication told = ToldApplication.signedInThrough(home.agent(), clients, issuer, "sessions");
        String homeSid = told.sid();
        String officeRefresh = refreshTokenThrough(office);
        String handle = handleOf(office.agent().get("/account/sessions").body(), "Firefox on Linux");

        HttpResponse<String> ended = office.agent().post("/account/sessions/end", Map.of("session", handle));

        assertThat(ended.statusCode()).isEqualTo(302);
        assertThat(HttpAgent.location(ended)).as("the confirmation kept in the session").endsWith("/account/sessions");
        HttpResponse<String> page = office.agent().follow(ended);
        assertThat(page.body()).contains("That browser is signed out");
        assertThat(office.agent().get("/account/sessions?ended=1").body()).as("not said by a crafted link")
                .doesNotContain("That browser is signed out");
        assertThat(rows(page.body())).hasSize(1).allSatisfy(row -> assertThat(row).contains("This device"));
        assertThat(page.body()).doesNotContain("Sign out everywhere else", "Firefox on Linux");
        assertThat(office.agent().get("/account/sessions").body()).as("said once").doesNotContain("signed out");
        // The other browser is sent to the sign-in; the application's refresh token from its session fails.
        assertThat(HttpAgent.location(home.agent().get("/account"))).endsWith("/signin");
        assertThat(refresh(homeRefresh).statusCode()).isEqualTo(400);
        assertThat(refresh(officeRefresh).statusCode()).as("this session's application").isEqualTo(200);
        assertThat(jdbc.sql("SELECT client_id, sid, reason FROM backchannel_logout WHERE account_id = :a")
                .param("a", anna.id())
                .query((row, n) -> row.getString(1) + " " + row.getString(2) + " " + row.getString(3)).list())
                .as("the told application gets a logout token for that session")
                .containsExactly(told.clientId() + " " + homeSid + " ended-by-person");
        assertThat(audit(anna)).containsExactly(
                "ended-by-person: 1 browser sessions, 2 authorizations, 1 applications told");
        // Its handle names nothing now.
        HttpResponse<String> again = office.agent().post("/account/sessions/end", Map.of("session", handle));
        assertThat(again.statusCode()).isEqualTo(404);
        assertThat(again.body()).contains("That session was not found.");
    }

    @Test
    void signingOutEverywhereElseEndsEveryOtherSessionAndKeepsThisOne() {
        Account anna = person("sessions.all");
        Account bertil = person("sessions.all.other");
        Browser office = browser(CHROME_ON_WINDOWS);
        Browser home = browser(FIREFOX_ON_LINUX);
        Browser phone = browser(SAFARI_ON_IPHONE);
        Browser bertils = browser(EDGE_ON_WINDOWS);
        signInAtMyAccount(office, anna);
        String officeRefresh = refreshTokenThrough(office);
        String homeRefresh = signInToAnApplication(home, anna);
        String phoneRefresh = signInToAnApplication(phone, anna);
        String bertilsRefresh = signInToAnApplication(bertils, bertil);
        assertThat(rows(office.agent().get("/account/sessions").body())).hasSize(3);

        HttpResponse<String> ended = office.agent().post("/account/sessions/end-others", Map.of());

        assertThat(HttpAgent.location(ended)).endsWith("/account/sessions");
        HttpResponse<String> page = office.agent().follow(ended);
        assertThat(page.body()).contains("Signed out of 2 other browsers");
        assertThat(office.agent().get("/account/sessions?ended-others=7").body()).as("not said by a crafted link")
                .doesNotContain("Signed out of");
        assertThat(rows(page.body())).hasSize(1).allSatisfy(row -> assertThat(row).contains("This device"));
        for (Browser other : List.of(home, phone)) {
            assertThat(HttpAgent.location(other.agent().get("/account"))).endsWith("/signin");
        }
        assertThat(refresh(homeRefresh).statusCode()).isEqualTo(400);
        assertThat(refresh(phoneRefresh).statusCode()).isEqualTo(400);
        assertThat(refresh(officeRefresh).statusCode()).as("this session's application").isEqualTo(200);
        assertThat(office.agent().get("/account").statusCode()).as("this session stays").isEqualTo(200);
        // Another person is left alone.
        assertThat(refresh(bertilsRefresh).statusCode()).isEqualTo(200);
        assertThat(bertils.agent().get("/account").statusCode()).isEqualTo(200);
        assertThat(audit(anna)).containsExactly(
                "ended-by-person: 2 browser sessions, 2 authorizations, 0 applications told");
        assertThat(audit(bertil)).isEmpty();

        // With nobody else signed in, it says so.
        HttpResponse<String> none = office.agent().follow(office.agent().post("/account/sessions/end-others", Map.of()));
        assertThat(none.body()).contains("You were not signed in anywhere else.");
    }

    @Test
    void anotherPersonsHandleAndAMadeUpOneFindNothingAndRevealNothing() {
        Account anna = person("sessions.handles");
        Account bertil = person("sessions.handles.other");
        Browser office = browser(CHROME_ON_WINDOWS);
        Browser home = browser(FIREFOX_ON_LINUX);
        Browser bertils = browser(SAFARI_ON_IPHONE);
        Browser bertilsOther = browser(EDGE_ON_WINDOWS);
        signInAtMyAccount(office, anna);
        signInAtMyAccount(home, anna);
        signInAtMyAccount(bertils, bertil);
        signInAtMyAccount(bertilsOther, bertil);
        String bertilsHandle = handleOf(bertils.agent().get("/account/sessions").body(), "Edge on Windows");
        // The handle the other browser of Anna's own was shown for this one means nothing here either.
        String shownElsewhere = handleOf(home.agent().get("/account/sessions").body(), "Chrome on Windows");
        office.agent().get("/account/sessions");

        HttpResponse<String> others = office.agent().post("/account/sessions/end", Map.of("session", bertilsHandle));
        HttpResponse<String> madeUp = office.agent().post("/account/sessions/end",
                Map.of("session", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"));

        for (HttpResponse<String> refused : List.of(others, madeUp)) {
            assertThat(refused.statusCode()).isEqualTo(404);
            assertThat(refused.body()).contains("That session was not found.", "Firefox on Linux")
                    .doesNotContain(bertil.email().value(), "iPhone", "Edge", bertils.address(),
                            bertilsOther.address());
        }
        assertThat(withoutCsrf(others.body())).as("the same answer").isEqualTo(withoutCsrf(madeUp.body()));
        assertThat(bertilsOther.agent().get("/account").statusCode()).as("Bertil's session stays").isEqualTo(200);
        assertThat(office.agent().post("/account/sessions/end", Map.of("session", shownElsewhere)).statusCode())
                .as("this session's own handle, as another session was shown it").isEqualTo(404);
        // Bad input of every kind: the same calm 404, never a 500.
        for (Map<String, String> form : List.of(Map.<String, String>of(), Map.of("session", ""),
                Map.of("session", "x".repeat(5000)), Map.of("session", "ä ö ' \" <script>"),
                Map.of("session", sessionIds(anna).get(0)), Map.of("session", sessionIds(bertil).get(0)))) {
            HttpResponse<String> bad = office.agent().post("/account/sessions/end", form);
            assertThat(bad.statusCode()).as(form.toString()).isEqualTo(404);
            assertThat(bad.body()).doesNotContain("<script>");
        }
        assertThat(rows(office.agent().get("/account/sessions").body())).as("nothing ended").hasSize(2);
        assertThat(home.agent().get("/account").statusCode()).isEqualTo(200);
        assertThat(audit(anna)).isEmpty();
        assertThat(audit(bertil)).isEmpty();
    }

    @Test
    void endingSessionsNeedsThePagesCsrfTokenAndASignedInPerson() {
        Account anna = person("sessions.csrf");
        Browser office = browser(CHROME_ON_WINDOWS);
        Browser home = browser(FIREFOX_ON_LINUX);
        signInAtMyAccount(office, anna);
        signInAtMyAccount(home, anna);
        String handle = handleOf(office.agent().get("/account/sessions").body(), "Firefox on Linux");

        assertThat(office.agent().post("/account/sessions/end", Map.of("_csrf", "forged", "session", handle))
                .statusCode()).isEqualTo(403);
        assertThat(office.agent().postRaw("/account/sessions/end", "application/x-www-form-urlencoded",
                ("session=" + handle).getBytes(StandardCharsets.US_ASCII)).statusCode()).isEqualTo(403);
        assertThat(office.agent().postRaw("/account/sessions/end-others", "application/x-www-form-urlencoded",
                new byte[0]).statusCode()).isEqualTo(403);
        assertThat(home.agent().get("/account").statusCode()).as("still signed in").isEqualTo(200);
        assertThat(audit(anna)).isEmpty();

        HttpAgent stranger = TestPeople.browser(issuer);
        stranger.get("/signin");
        HttpResponse<String> unsigned = stranger.post("/account/sessions/end-others", Map.of());
        assertThat(unsigned.statusCode()).isIn(302, 403);
        assertThat(home.agent().get("/account").statusCode()).isEqualTo(200);
    }

    private Account person(String who) {
        return TestPeople.account(accounts, who, hasher.hash(PASSWORD));
    }

    /** Opens My account unsigned and signs in with the password. */
    private void signInAtMyAccount(Browser browser, Account person) {
        HttpAgent agent = browser.agent();
        agent.get(HttpAgent.location(agent.get("/account")));
        agent.post("/signin", Map.of("email", person.email().value()));
        HttpResponse<String> page = agent.follow(agent.post("/signin/password", Map.of("password", PASSWORD)));
        assertThat(page.uri().getPath()).as(page.body()).isEqualTo("/account");
    }

    /** Signs in to the test web application in this browser; returns the application's refresh token. */
    private String signInToAnApplication(Browser browser, Account person) {
        OidcClient.Request request = OidcClient.web();
        return exchange(request, OidcClient.signIn(browser.agent(), request, person.email().value(), PASSWORD));
    }

    /** The test web application's refresh token from this already signed-in browser's session. */
    private String refreshTokenThrough(Browser browser) {
        OidcClient.Request request = OidcClient.web();
        return exchange(request, OidcClient.authorize(browser.agent(), request));
    }

    private String exchange(OidcClient.Request request, URI callback) {
        HttpResponse<String> tokens = application().post("/oauth2/token",
                OidcClient.codeExchange(request, OidcClient.param(callback, "code")));
        assertThat(tokens.statusCode()).as(tokens.body()).isEqualTo(200);
        return OidcClient.json(tokens).get("refresh_token").asString();
    }

    private HttpResponse<String> refresh(String refreshToken) {
        return application().post("/oauth2/token",
                OidcClient.form("grant_type", "refresh_token", "refresh_token", refreshToken));
    }

    private HttpAgent application() {
        return new HttpAgent(issuer).header("Authorization", OidcClient.basic("test-web", "test-web-secret"));
    }

    private List<String> sessionIds(Account person) {
        return jdbc.sql("SELECT SESSION_ID FROM SPRING_SESSION WHERE PRINCIPAL_NAME = :a").param("a", person.id())
                .query(String.class).list();
    }

    /** The session.end audit rows of the account: "reason: detail". */
    private List<String> audit(Account person) {
        return jdbc.sql("SELECT outcome, detail FROM audit_event WHERE account_id = :a AND event_type = 'session.end' "
                        + "ORDER BY id")
                .param("a", person.id())
                .query((row, n) -> row.getString(1) + ": " + row.getString(2))
                .list();
    }

    private static List<String> rows(String page) {
        String list = page.substring(page.indexOf("class=\"signed-in\""));
        return ROW.matcher(list).results().map(java.util.regex.MatchResult::group).toList();
    }

    /** The handle of the row that names this browser. */
    private static String handleOf(String page, String device) {
        String row = rows(page).stream().filter(r -> r.contains(device)).findFirst()
                .orElseThrow(() -> new AssertionError("no row of " + device + " in\n" + page));
        Matcher handle = HANDLE.matcher(row);
        assertThat(handle.find()).as(row).isTrue();
        return handle.group(1);
    }

    /** The sid that ID tokens of this browser session carry (SHA-256 of its id, as Spring Authorization Server). */
    private static String sid(String sessionId) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(
                    MessageDigest.getInstance("SHA-256").digest(sessionId.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String withoutCsrf(String page) {
        return page.replaceAll("name=\"_csrf\" value=\"[^\"]+\"", "").replaceAll("Last active (<time[^>]*>)?[^<]+", "")
                .replaceAll("name=\"session\" value=\"[^\"]+\"", "");
    }
}
