package se.portvakt.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.Key;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;

import se.portvakt.account.Account;
import se.portvakt.account.AccountStore;
import se.portvakt.client.ClientDefinition;
import se.portvakt.client.ClientType;
import se.portvakt.client.Clients;
import se.portvakt.password.PasswordHasher;
import se.portvakt.testing.CaptchaSolver;
import se.portvakt.testing.HttpAgent;
import se.portvakt.testing.OidcClient;
import se.portvakt.testing.OnH2;
import se.portvakt.testing.OnPostgres;
import se.portvakt.testing.Race;
import se.portvakt.testing.TestPeople;

/**
 * OpenID Connect Back-Channel Logout 1.0: when a person's session ends, each application signed in through it that
 * has a {@code backchannel-logout-uri} gets a POST of a logout token, which a stand-in application here checks as
 * one would: signature against the published keys, {@code typ}, every claim, the sid of its ID token, no nonce.
 */
@TestPropertySource(properties = {"portvakt.backchannel-logout.retry-delays=300ms,300ms,300ms",
        "portvakt.backchannel-logout.poll-interval=100ms"})
abstract class ApplicationsAreToldOfLogoutTest {

    @OnH2
    static class OnEmbeddedDatabase extends ApplicationsAreToldOfLogoutTest {}

    @OnPostgres
    static class OnPostgreSql extends ApplicationsAreToldOfLogoutTest {}

    private static final String PASSWORD = "a password for logging out";
    private static final String EVENT = "http://schemas.openid.net/event/backchannel-logout";
    private static final Application STANDIN = Application.start();

    @Value("${portvakt.issuer}")
    String issuer;

    @Autowired
    AccountStore accounts;

    @Autowired
    PasswordHasher hasher;

    @Autowired
    Clients clients;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    BackChannelLogout backChannel;

    /** A web application registered for this test: told at {@code /told/<id>} unless {@code told} is false. */
    private record App(String id, boolean told, boolean sessionRequired) {

        String secret() {
            return id + "-secret";
        }

        String redirectUri() {
            return "http://localhost:8081/" + id + "/callback";
        }
    }

    /** Applications of their own for each test (and database), so that no test sees another's logout tokens. */
    private final String tag = UUID.randomUUID().toString().substring(0, 8);
    private final App sessionApp = new App("bcl-session-" + tag, true, true);
    private final App personApp = new App("bcl-person-" + tag, true, false);
    private final App silentApp = new App("bcl-silent-" + tag, false, true);
    private final App otherApp = new App("bcl-other-" + tag, true, true);
    private final App flakyApp = new App("bcl-flaky-" + tag, true, true);
    private final App downApp = new App("bcl-down-" + tag, true, true);

    @BeforeEach
    void registerApplications() {
        for (App app : List.of(sessionApp, personApp, silentApp, otherApp, flakyApp, downApp)) {
            clients.apply(new ClientDefinition(app.id(), app.id(), ClientType.WEB, app.secret(),
                    List.of(app.redirectUri()), List.of(), List.of("openid", "email", "offline_access"), null, null,
                    false, app.told() ? STANDIN.uri(app.id()) : null, app.sessionRequired()));
        }
    }

    @Test
    void discoverySaysBackChannelLogoutIsSupportedWithSid() {
        var discovery = OidcClient.json(new HttpAgent(issuer).get("/.well-known/openid-configuration"));

        assertThat(discovery.get("backchannel_logout_supported").asBoolean()).isTrue();
        assertThat(discovery.get("backchannel_logout_session_supported").asBoolean()).isTrue();
    }

    @Test
    void logoutByAnApplicationTellsTheApplicationsOfThatSessionOnlyAndEndsItsRefreshTokens() throws Exception {
        Account person = person("rp-logout");
        HttpAgent browser = new HttpAgent(issuer);
        Tokens session = signIn(browser, person, sessionApp);
        Tokens person2 = signInAgain(browser, personApp);
        signInAgain(browser, silentApp);
        // The same person in another browser, signed in to another application: a session of its own.
        Tokens elsewhere = signIn(new HttpAgent(issuer), person, otherApp);
        Instant before = Instant.now().minusSeconds(1);

        HttpResponse<String> logout = browser.get("/connect/logout?id_token_hint=" + session.idToken());

        assertThat(logout.statusCode()).as(logout.body()).isEqualTo(302);
        String sid = session.claim("sid");
        assertThat(person2.claim("sid")).isEqualTo(sid);
        assertLogoutToken(STANDIN.awaitOne(sessionApp.id()), sessionApp, person, sid, before);
        // Signed in through the ended session: told with its sid too (a logout of one session always names it).
        assertLogoutToken(STANDIN.awaitOne(personApp.id()), personApp, person, sid, before);
        pause(700);
        assertThat(STANDIN.received(otherApp.id())).as("another session of the same person").isEmpty();
        assertThat(audit(silentApp.id())).as("an application without a backchannel-logout-uri").isEmpty();
        assertThat(STANDIN.received(sessionApp.id())).hasSize(1);
        // The ended session's refresh tokens are gone; the other browser's still works.
        assertThat(refresh(sessionApp, session).statusCode()).isEqualTo(400);
        assertThat(refresh(personApp, person2).statusCode()).isEqualTo(400);
        assertThat(refresh(otherApp, elsewhere).statusCode()).isEqualTo(200);
        assertThat(audit(sessionApp.id())).containsExactly("delivered");
    }

    @Test
    void signingOutAtPortvaktTellsTheApplicationsToo() throws Exception {
        Account person = person("signout");
        HttpAgent browser = new HttpAgent(issuer);
        Tokens session = signIn(browser, person, sessionApp);
        Instant before = Instant.now().minusSeconds(1);
        assertThat(browser.get("/").body()).contains("/signout");

        HttpResponse<String> signOut = browser.post("/signout", Map.of());

        assertThat(signOut.statusCode()).isEqualTo(302);
        assertLogoutToken(STANDIN.awaitOne(sessionApp.id()), sessionApp, person, session.claim("sid"), before);
    }

    @Test
    void aPasswordResetTellsEveryApplicationOfTheAccount() throws Exception {
        Account person = person("reset");
        Tokens first = signIn(new HttpAgent(issuer), person, sessionApp);
        Tokens second = signIn(new HttpAgent(issuer), person, sessionApp);
        signIn(new HttpAgent(issuer), person, personApp);
        Instant before = Instant.now().minusSeconds(1);

        resetPassword(person.email().value(), "a new password after the reset");

        // An application that needs the sid is told of each session; one that does not, once for the person.
        List<String> sids = new ArrayList<>();
        for (String token : STANDIN.await(sessionApp.id(), 2)) {
            sids.add(assertLogoutToken(token, sessionApp, person, null, before).getStringClaim("sid"));
        }
        assertThat(sids).containsExactlyInAnyOrder(first.claim("sid"), second.claim("sid"));
        JWTClaimsSet forPerson = assertLogoutToken(STANDIN.awaitOne(personApp.id()), personApp, person, null, before);
        assertThat(forPerson.getClaim("sid")).isNull();
        assertThat(refresh(sessionApp, first).statusCode()).isEqualTo(400);
    }

    @Test
    void aPasswordChangeOnMyAccountTellsEveryApplicationAndKeepsThatSession() throws Exception {
        Account person = person("my-account");
        Tokens elsewhere = signIn(new HttpAgent(issuer), person, sessionApp);
        HttpAgent browser = new HttpAgent(issuer);
        Tokens here = signIn(browser, person, sessionApp);
        Instant before = Instant.now().minusSeconds(1);
        assertThat(browser.get("/account/password").statusCode()).isEqualTo(200);

        HttpResponse<String> changed = browser.post("/account/password", Map.of("current", PASSWORD,
                "password", "a new password on my account", "confirm", "a new password on my account"));

        assertThat(HttpAgent.location(changed)).endsWith("/account/password");
        List<String> sids = new ArrayList<>();
        for (String token : STANDIN.await(sessionApp.id(), 2)) {
            sids.add(assertLogoutToken(token, sessionApp, person, null, before).getStringClaim("sid"));
        }
        // Every refresh token of the account ends, this browser's application's too; the browser session stays.
        assertThat(sids).containsExactlyInAnyOrder(elsewhere.claim("sid"), here.claim("sid"));
        assertThat(refresh(sessionApp, elsewhere).statusCode()).isEqualTo(400);
        assertThat(refresh(sessionApp, here).statusCode()).isEqualTo(400);
        assertThat(browser.get("/account").statusCode()).isEqualTo(200);
    }

    @Test
    void anOperatorEndsEverySessionOfAPersonFromTheServersOwnMachineOnly() throws Exception {
        Account person = person("operator");
        HttpAgent browser = new HttpAgent(issuer);
        Tokens session = signIn(browser, person, sessionApp);
        String body = "{\"account\":\"" + person.email().value() + "\"}";

        HttpResponse<String> stranger = TestPeople.browser(issuer)
                .postRaw("/actuator/signout", "application/json", body.getBytes(StandardCharsets.UTF_8));
        assertThat(stranger.statusCode()).isEqualTo(404);
        assertThat(audit(sessionApp.id())).isEmpty();

        Instant before = Instant.now().minusSeconds(1);
        HttpResponse<String> ended = new HttpAgent(issuer)
                .postRaw("/actuator/signout", "application/json", body.getBytes(StandardCharsets.UTF_8));

        assertThat(ended.statusCode()).as(ended.body()).isEqualTo(200);
        assertThat(OidcClient.json(ended).get("browserSessions").asInt()).isEqualTo(1);
        assertLogoutToken(STANDIN.awaitOne(sessionApp.id()), sessionApp, person, session.claim("sid"), before);
        // Signed out of Portvakt too.
        HttpResponse<String> again = browser.get(new OidcClient.Request(sessionApp.id(), sessionApp.redirectUri(),
                "openid").authorizationUrl());
        assertThat(HttpAgent.location(again)).contains("/signin");
        assertThat(jdbc.sql("SELECT outcome FROM audit_event WHERE event_type = 'session.end' AND account_id = :a")
                .param("a", person.id()).query(String.class).list()).containsExactly("ended-by-operator");

        HttpResponse<String> nobody = new HttpAgent(issuer).postRaw("/actuator/signout", "application/json",
                "{\"account\":\"nobody-at-all@example.com\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(nobody.statusCode()).isEqualTo(404);
        for (String bad : new String[] {"{}", "not json", "{\"account\": null}", ""}) {
            HttpResponse<String> refused = new HttpAgent(issuer).postRaw("/actuator/signout", "application/json",
                    bad.getBytes(StandardCharsets.UTF_8));
            assertThat(refused.statusCode()).as(bad).isEqualTo(400);
        }
    }

    @Test
    void anApplicationThatFailsIsToldAgainUntilItAnswersAndOnlyOnceAfter() throws Exception {
        Account person = person("retry");
        HttpAgent browser = new HttpAgent(issuer);
        Tokens session = signIn(browser, person, flakyApp);
        STANDIN.answer(flakyApp.id(), 500, 200);

        browser.get("/connect/logout?id_token_hint=" + session.idToken());

        List<String> tokens = STANDIN.await(flakyApp.id(), 2);
        pause(1000);
        assertThat(STANDIN.received(flakyApp.id())).hasSize(2);
        assertLogoutToken(tokens.get(1), flakyApp, person, session.claim("sid"), Instant.now().minusSeconds(10));
        assertThat(audit(flakyApp.id())).containsExactly("failed", "delivered");
    }

    @Test
    void anApplicationThatNeverAnswersIsGivenUpAfterTheLastAttempt() throws Exception {
        Account person = person("give-up");
        HttpAgent browser = new HttpAgent(issuer);
        Tokens session = signIn(browser, person, downApp);
        STANDIN.answer(downApp.id(), 503, 503, 503, 503, 503, 503);

        browser.get("/connect/logout?id_token_hint=" + session.idToken());

        STANDIN.await(downApp.id(), 4);
        awaitAudit(downApp.id(), "gave-up");
        pause(800);
        assertThat(STANDIN.received(downApp.id())).hasSize(4);
        assertThat(audit(downApp.id())).containsExactly("failed", "failed", "failed", "gave-up");
    }

    @Test
    void nodesSharingTheDatabaseSendEachLogoutTokenOnce() throws Exception {
        Account person = person("nodes");
        // 30 notices that all fall due at one moment, for which four senders besides this node's own are waiting,
        // as four more nodes would be, each looking for due notices every few milliseconds.
        OffsetDateTime due = OffsetDateTime.now(ZoneOffset.UTC).plusNanos(500_000_000);
        for (int i = 0; i < 30; i++) {
            jdbc.sql("""
                    INSERT INTO backchannel_logout
                        (id, client_id, account_id, sid, reason, attempts, next_attempt_at, created_at)
                    VALUES (:id, :client, :account, :sid, 'signed-out', 0, :due, :due)
                    """)
                    .param("id", UUID.randomUUID().toString()).param("client", sessionApp.id())
                    .param("account", person.id()).param("sid", "sid-" + i).param("due", due)
                    .update();
        }

        Race.run(4, () -> {
            for (Instant until = Instant.now().plusMillis(1500); Instant.now().isBefore(until); pause(2)) {
                backChannel.sendDue();
            }
            return null;
        });

        List<String> tokens = STANDIN.await(sessionApp.id(), 30);
        pause(500);
        assertThat(STANDIN.received(sessionApp.id())).hasSize(30);
        List<String> sids = new ArrayList<>();
        for (String token : tokens) {
            sids.add(SignedJWT.parse(token).getJWTClaimsSet().getStringClaim("sid"));
        }
        assertThat(sids).doesNotHaveDuplicates().hasSize(30);
        assertThat(audit(sessionApp.id())).hasSize(30).containsOnly("delivered");
    }

    // --- the person, the sign-ins and the reset

    private Account person(String who) {
        return TestPeople.account(accounts, "bcl-" + who, hasher.hash(PASSWORD));
    }

    /** The tokens an application got at a sign-in. */
    private record Tokens(String idToken, String refreshToken) {

        String claim(String name) {
            return OidcClient.claims(idToken).get(name).asString();
        }
    }

    private Tokens signIn(HttpAgent browser, Account person, App app) {
        var request = new OidcClient.Request(app.id(), app.redirectUri(), "openid email offline_access");
        return exchange(app, request, OidcClient.signIn(browser, request, person.email().value(), PASSWORD));
    }

    private Tokens signInAgain(HttpAgent browser, App app) {
        var request = new OidcClient.Request(app.id(), app.redirectUri(), "openid email offline_access");
        return exchange(app, request, OidcClient.authorize(browser, request));
    }

    private Tokens exchange(App app, OidcClient.Request request, URI callback) {
        HttpResponse<String> tokens = new HttpAgent(issuer).header("Authorization", OidcClient.basic(app.id(), app.secret()))
                .post("/oauth2/token", OidcClient.codeExchange(request, OidcClient.param(callback, "code")));
        assertThat(tokens.statusCode()).as(tokens.body()).isEqualTo(200);
        var json = OidcClient.json(tokens);
        assertThat(json.has("refresh_token")).as(tokens.body()).isTrue();
        return new Tokens(json.get("id_token").asString(), json.get("refresh_token").asString());
    }

    private HttpResponse<String> refresh(App app, Tokens tokens) {
        return new HttpAgent(issuer).header("Authorization", OidcClient.basic(app.id(), app.secret()))
                .post("/oauth2/token", OidcClient.form("grant_type", "refresh_token", "refresh_token", tokens.refreshToken()));
    }

    private static final Pattern RESET_LINK = Pattern.compile("/recovery/reset\\?token=([A-Za-z0-9_-]+)");

    /** The recovery flow as a person goes through it: asks for the mail, opens the link, sets a new password. */
    private void resetPassword(String email, String newPassword) {
        HttpAgent browser = TestPeople.browser(issuer);
        browser.get("/signin/forgot");
        HttpResponse<String> asked = browser.post("/signin/forgot",
                Map.of("email", email, "kind", "reset", "captcha", CaptchaSolver.solve(browser)));
        assertThat(asked.statusCode()).isEqualTo(200);
        String token = null;
        for (Instant until = Instant.now().plusSeconds(15); token == null && Instant.now().isBefore(until); pause(50)) {
            for (String mail : jdbc.sql("SELECT text_body FROM dev_outbox WHERE recipient = :r")
                    .param("r", email).query(String.class).list()) {
                Matcher link = RESET_LINK.matcher(mail);
                if (link.find()) {
                    token = link.group(1);
                }
            }
        }
        assertThat(token).as("a reset link reached " + email).isNotNull();
        browser.get("/recovery/reset?token=" + token);
        HttpResponse<String> changed = browser.post("/recovery/reset",
                Map.of("token", token, "password", newPassword, "confirm", newPassword));
        assertThat(changed.body()).contains("Your password was changed");
    }

    // --- checking a logout token as an application does

    /**
     * Checks the token as the application would (signature by a published key, typ, iss, aud, iat, exp, jti, events,
     * sub, no nonce) and, when {@code sid} is given, that it names that session; returns its claims.
     */
    private JWTClaimsSet assertLogoutToken(String token, App app, Account person, String sid, Instant notBefore)
            throws Exception {
        SignedJWT jwt = SignedJWT.parse(token);
        assertThat(jwt.getHeader().getType()).isEqualTo(new JOSEObjectType("logout+jwt"));
        JWKSet published = JWKSet.parse(new HttpAgent(issuer).get("/oauth2/jwks").body());
        JWK key = published.getKeyByKeyId(jwt.getHeader().getKeyID());
        assertThat(key).as("the signing key is published").isNotNull();
        Key publicKey = key instanceof ECKey ec ? ec.toECPublicKey() : key.toRSAKey().toRSAPublicKey();
        assertThat(jwt.verify(new DefaultJWSVerifierFactory().createJWSVerifier(jwt.getHeader(), publicKey)))
                .as("signature").isTrue();
        JWTClaimsSet claims = jwt.getJWTClaimsSet();
        assertThat(claims.getIssuer()).isEqualTo(issuer);
        assertThat(claims.getAudience()).containsExactly(app.id());
        assertThat(claims.getIssueTime().toInstant()).isBetween(notBefore, Instant.now().plusSeconds(1));
        assertThat(Duration.between(claims.getIssueTime().toInstant(), claims.getExpirationTime().toInstant()))
                .isPositive().isLessThanOrEqualTo(Duration.ofMinutes(2));
        assertThat(claims.getJWTID()).hasSizeGreaterThanOrEqualTo(16);
        assertThat(claims.getJSONObjectClaim("events")).containsOnlyKeys(EVENT);
        assertThat((Map<?, ?>) claims.getJSONObjectClaim("events").get(EVENT)).isEmpty();
        assertThat(claims.getSubject()).isEqualTo(person.id());
        assertThat(claims.getClaims()).doesNotContainKey("nonce");
        if (sid != null) {
            assertThat(claims.getStringClaim("sid")).isEqualTo(sid);
        }
        return claims;
    }

    private List<String> audit(String clientId) {
        return jdbc.sql("""
                SELECT outcome FROM audit_event WHERE event_type = 'logout.backchannel' AND client_id = :c ORDER BY id
                """).param("c", clientId).query(String.class).list();
    }

    private void awaitAudit(String clientId, String outcome) {
        for (Instant until = Instant.now().plusSeconds(15); Instant.now().isBefore(until); pause(50)) {
            if (audit(clientId).contains(outcome)) {
                return;
            }
        }
        throw new AssertionError("no audit " + outcome + " for " + clientId + ": " + audit(clientId));
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /**
     * The applications' back-channel logout endpoints: a JDK HTTP server on 127.0.0.1 that takes the form POST,
     * keeps each {@code logout_token} by application, and answers the statuses a test asked for (then 200).
     */
    private static final class Application {

        private final HttpServer server;
        private final Map<String, List<String>> tokens = new ConcurrentHashMap<>();
        private final Map<String, Deque<Integer>> answers = new ConcurrentHashMap<>();

        private Application(HttpServer server) {
            this.server = server;
        }

        static Application start() {
            try {
                HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
                Application application = new Application(server);
                server.createContext("/told/", exchange -> {
                    String app = exchange.getRequestURI().getPath().substring("/told/".length());
                    String type = exchange.getRequestHeaders().getFirst("Content-Type");
                    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                    int status = 400;
                    if ("POST".equals(exchange.getRequestMethod()) && type != null
                            && type.startsWith("application/x-www-form-urlencoded") && body.startsWith("logout_token=")) {
                        application.tokens.computeIfAbsent(app, a -> new CopyOnWriteArrayList<>())
                                .add(URLDecoder.decode(body.substring("logout_token=".length()), StandardCharsets.UTF_8));
                        Integer planned = application.answers.getOrDefault(app, new ConcurrentLinkedDeque<>()).poll();
                        status = planned == null ? 200 : planned;
                    }
                    exchange.getResponseHeaders().add("Cache-Control", "no-store");
                    exchange.sendResponseHeaders(status, -1);
                    exchange.close();
                });
                server.start();
                return application;
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        String uri(String app) {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/told/" + app;
        }

        void answer(String app, Integer... statuses) {
            answers.put(app, new ConcurrentLinkedDeque<>(List.of(statuses)));
        }

        List<String> received(String app) {
            return List.copyOf(tokens.getOrDefault(app, List.of()));
        }

        List<String> await(String app, int count) {
            for (Instant until = Instant.now().plusSeconds(15); Instant.now().isBefore(until); pause(20)) {
                if (received(app).size() >= count) {
                    return received(app);
                }
            }
            throw new AssertionError(app + " received " + received(app).size() + " logout tokens, not " + count);
        }

        String awaitOne(String app) {
            return await(app, 1).get(0);
        }
    }
}
