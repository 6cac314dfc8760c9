package se.portvakt.myaccount;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;

import se.portvakt.account.Account;
import se.portvakt.account.AccountStore;
import se.portvakt.client.ClientDefinition;
import se.portvakt.client.ClientType;
import se.portvakt.client.Clients;
import se.portvakt.password.PasswordHasher;
import se.portvakt.testing.HttpAgent;
import se.portvakt.testing.OidcClient;
import se.portvakt.testing.OnH2;
import se.portvakt.testing.OnPostgres;
import se.portvakt.testing.TestPeople;

/**
 * "Applications" on My account: the applications that hold a live refresh token of the person (a web and a native
 * one here), and "Remove access", which ends that application's tokens only and tells it when it is told of logouts.
 * An application that is not the person's is not found, whatever is posted.
 */
abstract class ApplicationsPageTest {

    @OnH2
    static class OnEmbeddedDatabase extends ApplicationsPageTest {}

    @OnPostgres
    static class OnPostgreSql extends ApplicationsPageTest {}

    private static final String PASSWORD = "a long enough password";
    private static final Pattern ROW = Pattern.compile("<li\\b(?:(?!</li>).)*</li>", Pattern.DOTALL);

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

    /** The tokens a sign-in gave an application, and how it refreshes them. */
    private record Tokens(String clientId, String secret, String refreshToken, String idToken) {}

    @Test
    void theListShowsExactlyTheApplicationsHoldingALiveRefreshTokenOfThePerson() {
        Account anna = person("applications.list");
        Account bertil = person("applications.list.other");
        HttpAgent browser = signedIn(anna);
        Tokens web = signInTo(browser, OidcClient.web(), "test-web-secret");
        Tokens nativeApp = signInTo(browser, OidcClient.nativeApp(), null);
        // Not listed: an application signed in to without offline_access (no refresh token), one whose refresh token
        // expired, one whose refresh token was revoked, a machine client, and another person's application.
        signInTo(browser, new OidcClient.Request("test-es256", "http://localhost:8081/es256/callback", "openid email"),
                "test-es256-secret");
        Tokens expired = signInTo(browser, offlineRequest(newClient("applications-expired", null)), "secret-of-test");
        jdbc.sql("UPDATE oauth2_authorization SET refresh_token_expires_at = :past WHERE principal_name = :a "
                        + "AND registered_client_id = (SELECT id FROM oauth2_registered_client WHERE client_id = :c)")
                .param("past", Timestamp.from(Instant.now().minusSeconds(60))).param("a", anna.id())
                .param("c", expired.clientId()).update();
        Tokens revoked = signInTo(browser, offlineRequest(newClient("applications-revoked", null)), "secret-of-test");
        assertThat(application(revoked).post("/oauth2/revoke", OidcClient.form("token", revoked.refreshToken(),
                "token_type_hint", "refresh_token")).statusCode()).isEqualTo(200);
        assertThat(new HttpAgent(issuer).header("Authorization", OidcClient.basic("test-machine", "test-machine-secret"))
                .post("/oauth2/token", OidcClient.form("grant_type", "client_credentials", "scope", "hr.read"))
                .statusCode()).isEqualTo(200);
        String bertils = newClient("applications-bertils", null);
        signInTo(signedIn(bertil), offlineRequest(bertils), "secret-of-test");

        HttpResponse<String> page = browser.get("/account/applications");

        assertThat(page.statusCode()).isEqualTo(200);
        List<String> rows = rows(page.body());
        assertThat(rows).hasSize(2);
        assertThat(String.join("\n", rows)).contains("Test web app", "Test mobile app");
        for (String row : rows) {
            assertThat(row).contains("Since ", "Last used ", "action=\"/account/applications/remove\"",
                    "Remove access");
        }
        assertThat(page.body()).contains("<h2 id=\"applications-title\" class=\"section-title\">Applications</h2>",
                        "href=\"/account/applications\"", "aria-current=\"page\"")
                .doesNotContain("test-es256", "ES256", expired.clientId(), revoked.clientId(), "test-machine",
                        bertils, bertil.email().value());
        // Since the first authorization (its code), last used at the latest token: a refresh moves only the latter.
        Instant since = jdbc.sql("SELECT MIN(authorization_code_issued_at) FROM oauth2_authorization "
                        + "WHERE principal_name = :a AND registered_client_id = "
                        + "(SELECT id FROM oauth2_registered_client WHERE client_id = 'test-web')")
                .param("a", anna.id()).query(Timestamp.class).single().toInstant();
        assertThat(rowOf(page.body(), "Test web app").replaceAll("<[^>]+>", ""))
                .contains("Since " + OverviewController.TIME.format(since));
        assertThat(refresh(web).statusCode()).isEqualTo(200);
        assertThat(refresh(nativeApp).statusCode()).isEqualTo(200);
        assertThat(browser.get("/account").body()).as("the navigation links to it")
                .contains("href=\"/account/applications\"", ">Applications<");
        // Nothing of another person's, and no application at all: it says so.
        HttpAgent carl = signedIn(person("applications.list.none"));
        assertThat(carl.get("/account/applications").body()).contains("No application keeps access to your account.")
                .doesNotContain("Test web app", "Remove access");
    }

    @Test
    void removingAccessEndsThatApplicationsTokensOnlyAndTellsIt() {
        Account anna = person("applications.remove");
        Account bertil = person("applications.remove.other");
        HttpAgent browser = signedIn(anna);
        Tokens web = signInTo(browser, OidcClient.web(), "test-web-secret");
        Tokens nativeApp = signInTo(browser, OidcClient.nativeApp(), null);
        Tokens bertilsWeb = signInTo(signedIn(bertil), OidcClient.web(), "test-web-secret");
        // An application told of logouts (at an address that refuses, so its logout token waits in the queue).
        String told = newClient("applications-told", "http://127.0.0.1:1/told");
        Tokens toldTokens = signInTo(browser, offlineRequest(told), "secret-of-test");
        // A second sign-in of the web application (a second authorization): both end.
        Tokens webAgain = signInTo(browser, OidcClient.web(), "test-web-secret");

        HttpResponse<String> removed = browser.post("/account/applications/remove", Map.of("application", "test-web"));

        assertThat(removed.statusCode()).isEqualTo(302);
        assertThat(HttpAgent.location(removed)).endsWith("/account/applications");
        HttpResponse<String> page = browser.follow(removed);
        assertThat(page.body()).contains("Test web app no longer has access to your account.");
        assertThat(rows(page.body())).hasSize(2).noneMatch(row -> row.contains("Test web app"));
        assertThat(browser.get("/account/applications").body()).as("said once").doesNotContain("no longer has access");
        HttpResponse<String> refused = refresh(web);
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(OidcClient.json(refused).get("error").asString()).isEqualTo("invalid_grant");
        assertThat(refresh(webAgain).statusCode()).isEqualTo(400);
        nativeApp = refreshed(nativeApp); // the other application (a public client's token turns at each use)
        assertThat(refresh(bertilsWeb).statusCode()).as("another person's").isEqualTo(200);
        assertThat(browser.get("/account").statusCode()).as("still signed in to Portvakt").isEqualTo(200);
        assertThat(logoutTokens(anna)).as("the web application is not told of logouts").isEmpty();
        assertThat(audit(anna)).containsExactly("test-web: 2 authorizations, 0 logout tokens");

        browser.post("/account/applications/remove", Map.of("application", told));
        assertThat(refresh(toldTokens).statusCode()).isEqualTo(400);
        String sid = OidcClient.claims(toldTokens.idToken()).get("sid").asString();
        assertThat(logoutTokens(anna)).containsExactly(told + " " + sid + " access-removed");
        assertThat(audit(anna)).containsExactly("test-web: 2 authorizations, 0 logout tokens",
                told + ": 1 authorizations, 1 logout tokens");
        refreshed(nativeApp);
        assertThat(audit(bertil)).isEmpty();
    }

    @Test
    void anotherPersonsApplicationAndAnUnknownOneAreNotFoundAndRevealNothing() {
        Account anna = person("applications.others");
        Account bertil = person("applications.others.other");
        HttpAgent browser = signedIn(anna);
        Tokens nativeApp = signInTo(browser, OidcClient.nativeApp(), null);
        String bertils = newClient("applications-others", null);
        Tokens bertilsTokens = signInTo(signedIn(bertil), offlineRequest(bertils), "secret-of-test");
        Tokens bertilsWeb = signInTo(signedIn(bertil), OidcClient.web(), "test-web-secret");

        HttpResponse<String> others = browser.post("/account/applications/remove", Map.of("application", bertils));
        HttpResponse<String> known = browser.post("/account/applications/remove", Map.of("application", "test-web"));
        HttpResponse<String> madeUp = browser.post("/account/applications/remove", Map.of("application", "no-such-app"));

        for (HttpResponse<String> refused : List.of(others, known, madeUp)) {
            assertThat(refused.statusCode()).isEqualTo(404);
            assertThat(refused.body()).contains("That application was not found.", "Test mobile app")
                    .doesNotContain(bertils, "Test web app", bertil.email().value());
        }
        assertThat(withoutCsrf(others.body())).as("the same answer").isEqualTo(withoutCsrf(madeUp.body()));
        assertThat(withoutCsrf(known.body())).isEqualTo(withoutCsrf(madeUp.body()));
        // Bad input of every kind: the same calm 404, never a 500.
        for (Map<String, String> form : List.of(Map.<String, String>of(), Map.of("application", ""),
                Map.of("application", "x".repeat(5000)), Map.of("application", "ä ö ' \" <script>"),
                Map.of("application", "test-machine"), Map.of("application", "%"),
                Map.of("application", "test-native' OR '1'='1"))) {
            HttpResponse<String> bad = browser.post("/account/applications/remove", form);
            assertThat(bad.statusCode()).as(form.toString()).isEqualTo(404);
            assertThat(bad.body()).doesNotContain("<script>");
        }
        assertThat(refresh(bertilsTokens).statusCode()).isEqualTo(200);
        assertThat(refresh(bertilsWeb).statusCode()).isEqualTo(200);
        assertThat(refresh(nativeApp).statusCode()).isEqualTo(200);
        assertThat(rows(browser.get("/account/applications").body())).hasSize(1);
        assertThat(audit(anna)).isEmpty();
        assertThat(audit(bertil)).isEmpty();
    }

    @Test
    void removingAccessNeedsThePagesCsrfTokenAndASignedInPerson() {
        Account anna = person("applications.csrf");
        HttpAgent browser = signedIn(anna);
        Tokens web = signInTo(browser, OidcClient.web(), "test-web-secret");

        assertThat(browser.post("/account/applications/remove", Map.of("_csrf", "forged", "application", "test-web"))
                .statusCode()).isEqualTo(403);
        assertThat(browser.postRaw("/account/applications/remove", "application/x-www-form-urlencoded",
                "application=test-web".getBytes(StandardCharsets.US_ASCII)).statusCode()).isEqualTo(403);
        HttpAgent stranger = TestPeople.browser(issuer);
        stranger.get("/signin");
        assertThat(stranger.post("/account/applications/remove", Map.of("application", "test-web")).statusCode())
                .isIn(302, 403);
        assertThat(HttpAgent.location(stranger.get("/account/applications"))).endsWith("/signin");
        assertThat(refresh(web).statusCode()).isEqualTo(200);
        assertThat(audit(anna)).isEmpty();
    }

    private Account person(String who) {
        return TestPeople.account(accounts, who, hasher.hash(PASSWORD));
    }

    /** A browser signed in at My account with the password. */
    private HttpAgent signedIn(Account person) {
        HttpAgent agent = new HttpAgent(issuer).header("X-Forwarded-For", TestPeople.uniqueAddress())
                .header("Accept", "text/html");
        agent.get(HttpAgent.location(agent.get("/account")));
        agent.post("/signin", Map.of("email", person.email().value()));
        HttpResponse<String> page = agent.follow(agent.post("/signin/password", Map.of("password", PASSWORD)));
        assertThat(page.uri().getPath()).as(page.body()).isEqualTo("/account");
        return agent;
    }

    /** A web application of its own (told of logouts at {@code logoutUri}, when not null); its client_id. */
    private String newClient(String prefix, String logoutUri) {
        String id = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        clients.apply(new ClientDefinition(id, id, ClientType.WEB, "secret-of-test",
                List.of("http://localhost:8081/" + id + "/callback"), List.of(),
                List.of("openid", "email", "offline_access"), null, null, false, logoutUri, true));
        return id;
    }

    private static OidcClient.Request offlineRequest(String clientId) {
        return new OidcClient.Request(clientId, "http://localhost:8081/" + clientId + "/callback",
                "openid email offline_access");
    }

    /** Signs in to the application from this signed-in browser and exchanges the code as it (public without secret). */
    private Tokens signInTo(HttpAgent browser, OidcClient.Request request, String secret) {
        URI callback = OidcClient.authorize(browser, request);
        Map<String, String> form = new java.util.LinkedHashMap<>(OidcClient.codeExchange(request,
                OidcClient.param(callback, "code")));
        if (secret == null) {
            form.put("client_id", request.clientId);
        }
        Tokens client = new Tokens(request.clientId, secret, null, null);
        HttpResponse<String> tokens = application(client).post("/oauth2/token", form);
        assertThat(tokens.statusCode()).as(tokens.body()).isEqualTo(200);
        var json = OidcClient.json(tokens);
        return new Tokens(request.clientId, secret,
                json.has("refresh_token") ? json.get("refresh_token").asString() : null,
                json.get("id_token").asString());
    }

    private HttpResponse<String> refresh(Tokens tokens) {
        Map<String, String> form = new java.util.LinkedHashMap<>(OidcClient.form("grant_type", "refresh_token",
                "refresh_token", tokens.refreshToken()));
        if (tokens.secret() == null) {
            form.put("client_id", tokens.clientId());
        }
        return application(tokens).post("/oauth2/token", form);
    }

    /** Refreshes, which must work; the tokens to use next (a public client's refresh token turns at each use). */
    private Tokens refreshed(Tokens tokens) {
        HttpResponse<String> refreshed = refresh(tokens);
        assertThat(refreshed.statusCode()).as(refreshed.body()).isEqualTo(200);
        return new Tokens(tokens.clientId(), tokens.secret(),
                OidcClient.json(refreshed).get("refresh_token").asString(), tokens.idToken());
    }

    private HttpAgent application(Tokens tokens) {
        HttpAgent agent = new HttpAgent(issuer);
        return tokens.secret() == null ? agent
                : agent.header("Authorization", OidcClient.basic(tokens.clientId(), tokens.secret()));
    }

    /** The logout tokens queued for the account: "client sid reason". */
    private List<String> logoutTokens(Account person) {
        return jdbc.sql("SELECT client_id, sid, reason FROM backchannel_logout WHERE account_id = :a")
                .param("a", person.id())
                .query((row, n) -> row.getString(1) + " " + row.getString(2) + " " + row.getString(3)).list();
    }

    /** The application.access-removed audit rows of the account: "client: detail". */
    private List<String> audit(Account person) {
        return jdbc.sql("SELECT client_id, detail FROM audit_event WHERE account_id = :a "
                        + "AND event_type = 'application.access-removed' AND outcome = 'success' ORDER BY id")
                .param("a", person.id())
                .query((row, n) -> row.getString(1) + ": " + row.getString(2))
                .list();
    }

    private static List<String> rows(String page) {
        int list = page.indexOf("class=\"signed-in applications\"");
        return list < 0 ? List.of() : ROW.matcher(page.substring(list)).results()
                .map(java.util.regex.MatchResult::group).toList();
    }

    private static String rowOf(String page, String name) {
        return rows(page).stream().filter(row -> row.contains(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no row of " + name + " in\n" + page));
    }

    private static String withoutCsrf(String page) {
        return page.replaceAll("name=\"_csrf\" value=\"[^\"]+\"", "");
    }
}
