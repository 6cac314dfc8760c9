package se.portvakt.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import se.portvakt.account.Account;
import se.portvakt.account.AccountStore;
import se.portvakt.password.PasswordHasher;
import se.portvakt.testing.Haproxy;
import se.portvakt.testing.HttpAgent;
import se.portvakt.testing.OidcClient;
import se.portvakt.testing.TestDatabase;
import se.portvakt.testing.TestPeople;
import se.portvakt.testing.TwoNodes;

/**
 * The cluster journey through a real load balancer rather than a test-side one: HAProxy from Debian's package,
 * set up as {@code scripts/cluster.sh} sets it up, in front of two nodes on one PostgreSQL database, its address
 * the issuer. A browser signs in and the application exchanges and refreshes its tokens, every answer named by the
 * node that gave it (GETs and POSTs each in turns of their own); then a node stops, and the next sign-in finishes
 * through the other one without an error.
 */
class SignInThroughHaproxyTest {

    private static final String PASSWORD = "a long enough password";

    @Test
    void aSignInAndItsTokensGoThroughHaproxyToBothNodesAndAStoppedNodeIsLeftOut() {
        int port = TestDatabase.freePort();
        String issuer = "http://127.0.0.1:" + port;
        try (TwoNodes cluster = TwoNodes.start(Map.of("portvakt.issuer", issuer));
                Haproxy haproxy = Haproxy.start(port, List.of(cluster.a().loopback(), cluster.b().loopback()))) {
            assertThat(bothNodesAnswer(issuer)).as("the health checks found both nodes ready; see %s", haproxy.log()).isTrue();
            Account person = TestPeople.newcomer(cluster.a().bean(AccountStore.class), "through.haproxy",
                    cluster.a().bean(PasswordHasher.class).hash(PASSWORD));

            HttpAgent browser = browser(issuer);
            OidcClient.Request request = OidcClient.web();
            URI callback = OidcClient.signIn(browser, request, person.email().value(), PASSWORD);
            assertThat(OidcClient.param(callback, "state")).isEqualTo(request.state);
            assertTakenInTurns(browser.recorded("GET"));
            assertTakenInTurns(browser.recorded("POST"));

            HttpAgent application = new HttpAgent(issuer).recording(Haproxy.NODE_HEADER)
                    .header("Authorization", OidcClient.basic(request.clientId, "test-web-secret"));
            HttpResponse<String> tokens = application.post("/oauth2/token",
                    OidcClient.codeExchange(request, OidcClient.param(callback, "code")));
            assertThat(tokens.statusCode()).as(tokens.body()).isEqualTo(200);
            assertThat(OidcClient.claims(OidcClient.json(tokens).get("id_token").asString()).get("iss").asString())
                    .as("the proxy's address is the issuer").isEqualTo(issuer);
            HttpResponse<String> refreshed = application.post("/oauth2/token", OidcClient.form("grant_type",
                    "refresh_token", "refresh_token", OidcClient.json(tokens).get("refresh_token").asString()));
            assertThat(refreshed.statusCode()).as(refreshed.body()).isEqualTo(200);
            assertTakenInTurns(application.recorded("POST"));

            cluster.b().close();

            HttpAgent next = browser(issuer);
            OidcClient.Request again = OidcClient.web();
            URI secondCallback = OidcClient.signIn(next, again, person.email().value(), PASSWORD);
            assertThat(OidcClient.param(secondCallback, "state")).isEqualTo(again.state);
            assertThat(next.recorded()).as("every answer from the node still running").containsOnly("node1");
        }
    }

    private static HttpAgent browser(String issuer) {
        return new HttpAgent(issuer).recording(Haproxy.NODE_HEADER)
                .header("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");
    }

    /**
     * Round robin without sticky sessions: each answer from the other node than the one before. The proxy takes GETs
     * and POSTs in turns of their own (decision 0073), so a list is of one method.
     */
    private static void assertTakenInTurns(List<String> answeredBy) {
        assertThat(answeredBy).as("every answer came from a node").allMatch(n -> n.equals("node1") || n.equals("node2"));
        for (int i = 1; i < answeredBy.size(); i++) {
            assertThat(answeredBy.get(i)).as("answer %d of %s", i, answeredBy).isNotEqualTo(answeredBy.get(i - 1));
        }
    }

    /** Whether answers through the proxy come from both nodes within 30 s (HAProxy's checks need two passes). */
    private static boolean bothNodesAnswer(String issuer) {
        HttpAgent probe = new HttpAgent(issuer).recording(Haproxy.NODE_HEADER);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Set<String> seen = new HashSet<>();
        while (System.nanoTime() < deadline) {
            if (probe.get("/.well-known/openid-configuration").statusCode() == 200) {
                List<String> recorded = probe.recorded();
                seen.add(recorded.get(recorded.size() - 1));
            }
            if (seen.contains("node1") && seen.contains("node2")) {
                return true;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }
}
