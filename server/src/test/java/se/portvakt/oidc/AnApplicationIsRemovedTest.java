package se.portvakt.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

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
 * An operator removes an application (deletes its row of {@code oauth2_registered_client}: Portvakt itself never
 * does, and the bootstrap file leaves applications it no longer names alone). Its tokens are then unknown tokens,
 * answered as the protocol answers those, never with a 500: introspection inactive, revocation 200, a code or refresh
 * token invalid_grant (invalid_client when the removed application itself presents it), userinfo 401, its ID token
 * no hint for a logout. My account and every sign-out go on with the person's other applications, and housekeeping
 * deletes the removed application's rows.
 */
abstract class AnApplicationIsRemovedTest {

    @OnH2
    static class OnEmbeddedDatabase extends AnApplicationIsRemovedTest {}

    @OnPostgres
    static class OnPostgreSql extends AnApplicationIsRemovedTest {}

    private static final String PASSWORD = "a long enough password";
    private static final String SECRET = "secret-of-test";

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

    @Autowired
    AccountSessions sessions;

    @Autowired
    ExpiredAuthorizations expired;

    /** What a sign-in gave an application. */
    private record Tokens(String clientId, String accessToken, String refreshToken, String idToken) {}

    /** The client_id of an application signed in to and then removed, and the tokens of one that stays. */
    private record SignedIn(String removed, Tokens kept) {}

    @Test
    void itsTokensAreUnknownTokensAtEveryProtocolEndpoint() {
        Account person = person("removed.protocol");
        HttpAgent browser = signedIn(person);
        String gone = newClient("removed");
        Tokens tokens = signInTo(browser, gone);
        OidcClient.Request request = request(gone);
        String unexchangedCode = OidcClient.param(OidcClient.authorize(browser, request), "code");

        remove(gone);

        for (String token : List.of(tokens.accessToken(), tokens.refreshToken())) {
            HttpResponse<String> introspection = machine().post("/oauth2/introspect", OidcClient.form("token", token));
            assertThat(introspection.statusCode()).as(introspection.body()).isEqualTo(200);
            assertThat(OidcClient.json(introspection).get("active").asBoolean()).isFalse();
            HttpResponse<String> revocation = machine().post("/oauth2/revoke", OidcClient.form("token", token));
            assertThat(revocation.statusCode()).as(revocation.body()).isEqualTo(200);
        }

        HttpResponse<String> userinfo = new HttpAgent(issuer).header("Authorization", "Bearer " + tokens.accessToken())
                .get("/userinfo");
        assertThat(userinfo.statusCode()).as(userinfo.body()).isEqualTo(401);
        assertThat(userinfo.headers().firstValue("WWW-Authenticate").orElse("") + userinfo.body())
                .contains("invalid_token");

        Map<String, String> refresh = OidcClient.form("grant_type", "refresh_token", "refresh_token", tokens.refreshToken());
        assertError(as(gone).post("/oauth2/token", refresh), 401, "invalid_client");
        assertError(webApp().post("/oauth2/token", refresh), 400, "invalid_grant");
        Map<String, String> exchange = OidcClient.codeExchange(request, unexchangedCode);
        assertError(as(gone).post("/oauth2/token", exchange), 401, "invalid_client");
        assertError(webApp().post("/oauth2/token", exchange), 400, "invalid_grant");
        assertThat(jdbc.sql("SELECT COUNT(*) FROM audit_event WHERE event_type = 'client.authentication' "
                        + "AND outcome = 'failure' AND client_id = :c").param("c", gone).query(Integer.class).single())
                .as("the removed application's attempts are audited as an unknown client's").isEqualTo(2);

        HttpResponse<String> logout = browser.get("/connect/logout?id_token_hint=" + tokens.idToken());
        assertThat(logout.statusCode()).as(logout.body()).isEqualTo(400);
        assertThat(logout.headers().firstValue("Location")).isEmpty();
        assertThat(logout.body()).doesNotContain("Exception", "at se.portvakt");
        assertThat(browser.get("/account").statusCode()).as("still signed in at Portvakt").isEqualTo(200);
    }

    @Test
    void myAccountShowsTheOtherApplicationsAndRemovesTheirAccess() {
        HttpAgent browser = signedIn(person("removed.myaccount"));
        String kept = newClient("kept");
        SignedIn signedIn = signInToARemovedApplicationAnd(browser, kept);
        String gone = signedIn.removed();
        Tokens keptTokens = signedIn.kept();

        for (String page : List.of("/account", "/account/applications", "/account/sessions")) {
            HttpResponse<String> shown = browser.get(page);
            assertThat(shown.statusCode()).as(page + "\n" + shown.body()).isEqualTo(200);
            assertThat(shown.body()).as(page).doesNotContain(gone);
        }
        assertThat(browser.get("/account/applications").body()).contains(kept);
        assertThat(browser.post("/account/applications/remove", Map.of("application", gone)).statusCode())
                .as("not one of the person's applications any more").isEqualTo(404);

        HttpResponse<String> removed = browser.post("/account/applications/remove", Map.of("application", kept));

        assertThat(removed.statusCode()).as(removed.body()).isEqualTo(302);
        assertError(refresh(keptTokens), 400, "invalid_grant");
        assertThat(browser.get("/account/applications").body()).contains(kept + " no longer has access");
        assertThat(browser.get("/account/applications").body()).doesNotContain(kept)
                .contains("No application keeps access to your account.");
    }

    @Test
    void signingOutEndsTheOtherApplicationsTokens() {
        Account person = person("removed.signout");
        HttpAgent browser = signedIn(person);
        String kept = newClient("kept");
        Tokens byHint = signInToARemovedApplicationAnd(browser, kept).kept();
        Tokens signedOutWith = signInTo(browser, newClient("other"));

        HttpResponse<String> logout = browser.get("/connect/logout?id_token_hint=" + byHint.idToken());

        assertThat(logout.statusCode()).as(logout.body()).isEqualTo(302);
        assertError(refresh(byHint), 400, "invalid_grant");
        assertError(refresh(signedOutWith), 400, "invalid_grant");

        // Portvakt's own sign-out (the same end of one browser session) and an end of every session.
        HttpAgent again = signedIn(person);
        Tokens beforeSignOut = signInToARemovedApplicationAnd(again, kept).kept();
        assertThat(again.post("/signout", Map.of()).statusCode()).isEqualTo(302);
        assertError(refresh(beforeSignOut), 400, "invalid_grant");

        HttpAgent third = signedIn(person);
        Tokens beforeEndAll = signInToARemovedApplicationAnd(third, kept).kept();
        AccountSessions.Ended ended = sessions.endAll(person.id(), AccountSessions.Reason.ENDED_BY_OPERATOR, null);
        assertThat(ended.browserSessions()).isEqualTo(1);
        assertError(refresh(beforeEndAll), 400, "invalid_grant");
        assertThat(third.get("/account").statusCode()).as("signed out").isEqualTo(302);
    }

    @Test
    void housekeepingDeletesTheRowsOfARemovedApplication() {
        Account person = person("removed.housekeeping");
        Tokens keptTokens = signInToARemovedApplicationAnd(signedIn(person), newClient("kept")).kept();
        assertThat(rowsOf(person)).hasSize(2);

        while (expired.purgeBatch(Instant.now(), 100) > 0) {
            // until nothing is left to purge
        }

        assertThat(rowsOf(person)).as("the live one stays").hasSize(1);
        assertThat(refresh(keptTokens).statusCode()).isEqualTo(200);
    }

    /** From this browser, signs in to a new application and to {@code kept}, then removes the new one. */
    private SignedIn signInToARemovedApplicationAnd(HttpAgent browser, String kept) {
        String removed = newClient("removed");
        signInTo(browser, removed);
        Tokens keptTokens = signInTo(browser, kept);
        remove(removed);
        return new SignedIn(removed, keptTokens);
    }

    private Account person(String who) {
        return TestPeople.account(accounts, who, hasher.hash(PASSWORD));
    }

    private HttpAgent signedIn(Account person) {
        return TestPeople.signedInAtMyAccount(issuer, person, PASSWORD);
    }

    private String newClient(String prefix) {
        String id = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        clients.apply(new ClientDefinition(id, id, ClientType.WEB, SECRET,
                List.of("http://localhost:8081/" + id + "/callback"), List.of(),
                List.of("openid", "email", "offline_access"), null, null, false, null, true));
        return id;
    }

    /**
     * Removes the application as an operator would, in the database; saving another client makes this node forget the
     * clients it remembers (another node forgets within a minute).
     */
    private void remove(String clientId) {
        assertThat(jdbc.sql("DELETE FROM oauth2_registered_client WHERE client_id = :c").param("c", clientId).update())
                .isEqualTo(1);
        newClient("forget");
    }

    private static OidcClient.Request request(String clientId) {
        return new OidcClient.Request(clientId, "http://localhost:8081/" + clientId + "/callback",
                "openid email offline_access");
    }

    private Tokens signInTo(HttpAgent browser, String clientId) {
        OidcClient.Request request = request(clientId);
        URI callback = OidcClient.authorize(browser, request);
        HttpResponse<String> response = as(clientId).post("/oauth2/token",
                new LinkedHashMap<>(OidcClient.codeExchange(request, OidcClient.param(callback, "code"))));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode json = OidcClient.json(response);
        return new Tokens(clientId, json.get("access_token").asString(), json.get("refresh_token").asString(),
                json.get("id_token").asString());
    }

    private HttpResponse<String> refresh(Tokens tokens) {
        return as(tokens.clientId()).post("/oauth2/token",
                OidcClient.form("grant_type", "refresh_token", "refresh_token", tokens.refreshToken()));
    }

    private List<String> rowsOf(Account person) {
        return jdbc.sql("SELECT id FROM oauth2_authorization WHERE principal_name = :a").param("a", person.id())
                .query(String.class).list();
    }

    private HttpAgent as(String clientId) {
        return new HttpAgent(issuer).header("Authorization", OidcClient.basic(clientId, SECRET));
    }

    private HttpAgent webApp() {
        return new HttpAgent(issuer).header("Authorization", OidcClient.basic("test-web", "test-web-secret"));
    }

    private HttpAgent machine() {
        return new HttpAgent(issuer).header("Authorization", OidcClient.basic("test-machine", "test-machine-secret"));
    }

    private static void assertError(HttpResponse<String> response, int status, String error) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(OidcClient.json(response).get("error").asString()).isEqualTo(error);
    }
}
