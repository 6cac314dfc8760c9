package se.portvakt.signin.push;

import static org.assertj.core.api.Assertions.assertThat;
import static se.portvakt.signin.push.PushSignInTest.PAIRING_CODE;
import static se.portvakt.signin.push.PushSignInTest.PASSWORD;
import static se.portvakt.signin.push.PushSignInTest.first;
import static se.portvakt.testing.Browser.button;
import static se.portvakt.testing.Browser.field;

import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

import se.portvakt.account.Account;
import se.portvakt.account.AccountStore;
import se.portvakt.password.PasswordHasher;
import se.portvakt.testing.AuthenticatorDevice;
import se.portvakt.testing.Browser;
import se.portvakt.testing.HttpAgent;
import se.portvakt.testing.OidcClient;
import se.portvakt.testing.RoundRobinProxy;
import se.portvakt.testing.RoundRobinProxy.Forwarded;
import se.portvakt.testing.TestPeople;
import se.portvakt.testing.TestServer;
import se.portvakt.testing.TwoFactorPerson;
import se.portvakt.testing.TwoNodes;
import tools.jackson.databind.JsonNode;

/**
 * Push approval in a real browser over two nodes (issue 14): headless Chromium signs in through a reverse proxy that
 * streams the "Check your phone" page's Server-Sent Events from one node, while the phone reads and approves the
 * request through the other. The waiting node learns of the decision from the database (its recheck, not an event of
 * its own), says "ready" on the open stream, and the page moves on by itself to the application, without falling back
 * to polling.
 */
class PushApprovalAcrossNodesInBrowserTest {

    // Two nodes, Chromium and a build share two cores: a page may take seconds without anything being wrong.
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @Test
    void thePageWaitingOnOneNodeMovesOnWhenThePhoneApprovesThroughTheOther() {
        try (RoundRobinProxy proxy = RoundRobinProxy.open();
                TwoNodes cluster = TwoNodes.start(Map.of("portvakt.issuer", proxy.url()))) {
            TestServer a = cluster.a();
            TestServer b = cluster.b();
            String nodeA = a.onLocalhost();
            String nodeB = b.onLocalhost();
            proxy.to(nodeA, nodeB);
            Account person = TestPeople.newcomer(a.bean(AccountStore.class), "push.browser.two.nodes",
                    b.bean(PasswordHasher.class).hash(PASSWORD));
            AuthenticatorDevice phone = pairedAtFirstSignIn(proxy, person, b);
            // The page's stream goes to node B, wherever the pages go; the phone speaks to node A.
            proxy.pin("/signin/wait", nodeB);
            AuthenticatorDevice throughA = phone.via(a.loopback());

            OidcClient.Request fromTheApp = OidcClient.web();
            URI arrival;
            try (Browser browser = Browser.startedFor(proxy.url(), PATIENCE)) {
                browser.open(fromTheApp.authorizationUrl());
                browser.waitForPath("/signin");
                browser.type(field("Email address"), person.email().value());
                browser.click(button("Next"));
                browser.waitForPath("/signin/password");
                browser.type(field("Password"), PASSWORD);
                browser.click(button("Sign in"));

                browser.waitForPath("/signin/check-your-phone");
                assertThat(browser.text()).contains("Check your phone");
                int shown = Integer.parseInt(browser.find(By.cssSelector(".number")).getText());
                browser.screenshotsAtEveryWidth("two-nodes-push-check-your-phone");
                waitForTheStreamOn(proxy, nodeB);

                List<JsonNode> pending = AuthenticatorDevice.json(throughA.call("/pending", Map.of()))
                        .get("requests").valueStream().toList();
                assertThat(pending).hasSize(1);
                HttpResponse<String> decided = throughA.call("/decide",
                        Map.of("request", pending.get(0).get("id").asString(), "decision", "approve", "number", shown));
                assertThat(AuthenticatorDevice.json(decided).get("outcome").asString()).as(decided.body())
                        .isEqualTo("approved");

                arrival = URI.create(browser.waitForUrlStartingWith(fromTheApp.redirectUri + "?"));
            }
            assertThat(OidcClient.param(arrival, "state")).isEqualTo(fromTheApp.state);

            List<Forwarded> waits = proxy.forwarded().stream().filter(f -> f.path().equals("/signin/wait")).toList();
            assertThat(waits).as("the event stream, on node B only, and no polling").isNotEmpty()
                    .allSatisfy(wait -> {
                        assertThat(wait.node()).isEqualTo(nodeB);
                        assertThat(wait.type()).startsWith("text/event-stream");
                        assertThat(wait.status()).isEqualTo(200);
                    });
            assertThat(proxy.forwarded()).filteredOn(f -> f.request().equals("POST /signin/check-your-phone"))
                    .as("the page sent its own form when told").hasSize(1);

            HttpResponse<String> tokens = new HttpAgent(nodeA)
                    .header("Authorization", OidcClient.basic(fromTheApp.clientId, "test-web-secret"))
                    .post("/oauth2/token", OidcClient.codeExchange(fromTheApp, OidcClient.param(arrival, "code")));
            assertThat(tokens.statusCode()).as(tokens.body()).isEqualTo(200);
            JsonNode idToken = OidcClient.claims(OidcClient.json(tokens).get("id_token").asString());
            assertThat(idToken.get("amr").toString()).contains("\"pwd\"", "\"swk\"", "\"mfa\"");
        }
    }

    /** The person's first sign-in (over HTTP, through the proxy) pairs the app through node {@code b}. */
    private static AuthenticatorDevice pairedAtFirstSignIn(RoundRobinProxy proxy, Account person, TestServer b) {
        HttpAgent first = TestPeople.browser(proxy.url());
        assertThat(HttpAgent.location(OidcClient.throughPassword(first, OidcClient.web(), person.email().value(),
                PASSWORD))).endsWith("/signin/two-factor");
        first.get("/signin/two-factor");
        first.post("/signin/two-factor", Map.of("action", "enable"));
        first.get("/signin/get-started");
        assertThat(HttpAgent.location(first.post("/signin/get-started", Map.of("action", "next"))))
                .endsWith("/signin/authenticator-pairing");
        String code = first(PAIRING_CODE, first.get("/signin/authenticator-pairing").body());
        AuthenticatorDevice phone = new AuthenticatorDevice(proxy.url()).via(b.loopback());
        HttpResponse<String> paired = phone.pair(code, null);
        assertThat(paired.statusCode()).as(paired.body()).isEqualTo(201);
        HttpResponse<String> next = first.post("/signin/authenticator-pairing", Map.of("action", "paired"));
        if (HttpAgent.location(next).endsWith("/sms-backup")) {
            first.get("/signin/sms-backup");
            first.post("/signin/sms-backup", Map.of("action", "skip"));
        }
        String emergency = TwoFactorPerson.emergencyCodeOn(first.get("/signin/emergency-code-save").body());
        HttpResponse<String> done = first.post("/signin/emergency-code-save",
                Map.of("code", emergency, "stored", "on", "action", "done"));
        assertThat(HttpAgent.location(done)).contains("/oauth2/authorize");
        return phone;
    }

    /** The page's event stream is open: its first answer ("waiting") has come through the proxy from {@code node}. */
    private static void waitForTheStreamOn(RoundRobinProxy proxy, String node) {
        long until = System.nanoTime() + PATIENCE.toNanos();
        while (proxy.forwarded().stream().noneMatch(f -> f.path().equals("/signin/wait") && f.node().equals(node))) {
            assertThat(System.nanoTime()).as("the page opened no event stream").isLessThan(until);
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
