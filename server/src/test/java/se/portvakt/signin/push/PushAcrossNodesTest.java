package se.portvakt.signin.push;

import static org.assertj.core.api.Assertions.assertThat;
import static se.portvakt.signin.push.PushSignInTest.NUMBER;
import static se.portvakt.signin.push.PushSignInTest.PAIRING_CODE;
import static se.portvakt.signin.push.PushSignInTest.PASSWORD;
import static se.portvakt.signin.push.PushSignInTest.first;
import static se.portvakt.signin.push.PushSignInTest.password;
import static se.portvakt.signin.push.PushSignInTest.waitStatus;

import java.net.URI;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import se.portvakt.account.Account;
import se.portvakt.account.AccountStore;
import se.portvakt.password.PasswordHasher;
import se.portvakt.testing.AuthenticatorDevice;
import se.portvakt.testing.HttpAgent;
import se.portvakt.testing.OidcClient;
import se.portvakt.testing.TestPeople;
import se.portvakt.testing.TestServer;
import se.portvakt.testing.TwoNodes;
import se.portvakt.testing.TwoFactorPerson;
import tools.jackson.databind.JsonNode;

/**
 * The cluster journey's push approval (issue 14): two nodes on one PostgreSQL database serving one issuer, every
 * browser request going to the other node than the one before. The app pairs through one node while the pairing
 * page waits on both; at the next sign-in it reads the request through one node and approves it through the other,
 * while the browser waiting on alternating nodes sees the approval and continues to the application.
 */
class PushAcrossNodesTest {


    @Test
    void theAppApprovesThroughOneNodeWhileTheBrowserWaitsOnBoth() {
        try (TwoNodes cluster = TwoNodes.start()) {
            TestServer a = cluster.a();
            TestServer b = cluster.b();
            String[] nodes = cluster.nodes();
            Account person = TestPeople.newcomer(a.bean(AccountStore.class), "push.two.nodes",
                    a.bean(PasswordHasher.class).hash(PASSWORD));

            HttpAgent browser = cluster.browser();
            assertThat(HttpAgent.location(password(browser, OidcClient.web(), person))).endsWith("/signin/two-factor");
            browser.post("/signin/two-factor", Map.of("action", "enable"));
            assertThat(HttpAgent.location(browser.post("/signin/get-started", Map.of("action", "next"))))
                    .endsWith("/signin/authenticator-pairing");
            String code = first(PAIRING_CODE, browser.get("/signin/authenticator-pairing").body());
            AuthenticatorDevice phone = new AuthenticatorDevice(a.issuer()).via(b.loopback());
            HttpResponse<String> paired = phone.pair(code, null);
            assertThat(paired.statusCode()).as(paired.body()).isEqualTo(201);
            assertThat(waitStatus(browser)).isEqualTo("ready");
            assertThat(waitStatus(browser)).as("on the other node too").isEqualTo("ready");
            HttpResponse<String> next = browser.post("/signin/authenticator-pairing", Map.of("action", "paired"));
            if (HttpAgent.location(next).endsWith("/sms-backup")) {
                browser.post("/signin/sms-backup", Map.of("action", "skip"));
            }
            String emergency = TwoFactorPerson.emergencyCodeOn(browser.get("/signin/emergency-code-save").body());
            HttpResponse<String> done = browser.post("/signin/emergency-code-save",
                    Map.of("code", emergency, "stored", "on", "action", "done"));
            assertThat(HttpAgent.location(done)).contains("/oauth2/authorize");

            HttpAgent nextTime = cluster.browser();
            OidcClient.Request second = OidcClient.web();
            assertThat(HttpAgent.location(password(nextTime, second, person))).endsWith("/signin/check-your-phone");
            int number = Integer.parseInt(first(NUMBER, nextTime.get("/signin/check-your-phone").body()));
            assertThat(waitStatus(nextTime)).isEqualTo("waiting");
            HttpResponse<String> pending = phone.via(a.loopback()).call("/pending", Map.of());
            List<JsonNode> requests = AuthenticatorDevice.json(pending).get("requests").valueStream().toList();
            assertThat(requests).hasSize(1);
            HttpResponse<String> decided = phone.via(b.loopback()).call("/decide",
                    Map.of("request", requests.get(0).get("id").asString(), "decision", "approve", "number", number));
            assertThat(AuthenticatorDevice.json(decided).get("outcome").asString()).as(decided.body()).isEqualTo("approved");
            assertThat(waitStatus(nextTime)).isEqualTo("ready");
            assertThat(waitStatus(nextTime)).as("on the other node too").isEqualTo("ready");
            HttpResponse<String> approved = nextTime.post("/signin/check-your-phone", Map.of("action", "continue"));
            assertThat(HttpAgent.location(approved)).as(approved.body()).contains("/oauth2/authorize");
            URI callback = URI.create(HttpAgent.location(nextTime.get(HttpAgent.location(approved))));
            assertThat(callback.toString()).startsWith(second.redirectUri);

            HttpResponse<String> tokens = new HttpAgent(a.issuer()).alternating(nodes[1], nodes[0])
                    .header("Authorization", OidcClient.basic(second.clientId, "test-web-secret"))
                    .post("/oauth2/token", OidcClient.codeExchange(second, OidcClient.param(callback, "code")));
            assertThat(tokens.statusCode()).as(tokens.body()).isEqualTo(200);
            JsonNode idToken = OidcClient.claims(OidcClient.json(tokens).get("id_token").asString());
            assertThat(idToken.get("amr").toString()).contains("\"pwd\"", "\"swk\"", "\"mfa\"");
            assertThat(nextTime.served()).filteredOn(nodes[1]::equals).hasSize(nextTime.served().size() / 2);
        }
    }
}
