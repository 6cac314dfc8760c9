package se.portvakt.signin.push;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

import se.portvakt.account.AccountStore;
import se.portvakt.account.EmailAddress;
import se.portvakt.factor.push.PairingCode;
import se.portvakt.factor.push.Pairings;
import se.portvakt.factor.push.PushRequest;
import se.portvakt.factor.push.PushRequests;
import se.portvakt.factor.push.PushStart;
import se.portvakt.testing.AuthenticatorDevice;
import se.portvakt.testing.TestServer;
import tools.jackson.databind.JsonNode;

/**
 * The push service is down (nothing listens at the subscription's endpoint): the request is made all the same,
 * the failed push is in the audit log, and the phone finds the request by asking and approves it.
 */
class PushServiceDownTest {

    @Test
    void aRequestWhosePushFailsIsStillFoundByTheAppAndApproved() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort(); // free now, and nothing listens there once the socket is closed
        }
        try (TestServer server = TestServer.onNewH2(Map.of("portvakt.push.provider", "web-push",
                "portvakt.push.private-endpoints", "true", "portvakt.push.connect-timeout", "1s"))) {
            String account = server.bean(AccountStore.class).findByEmail(new EmailAddress("signed.in@example.com"))
                    .orElseThrow().id();
            String flow = UUID.randomUUID().toString();
            PairingCode code = server.bean(Pairings.class).issue(account, flow);
            AuthenticatorDevice phone = new AuthenticatorDevice(server.issuer());
            Map<String, Object> down = Map.of("endpoint", "http://127.0.0.1:" + closed + "/push/1",
                    "keys", AuthenticatorDevice.subscription().get("keys"));
            HttpResponse<String> paired = phone.pair(code.code(), down);
            assertThat(paired.statusCode()).as(paired.body()).isEqualTo(201);

            PushStart started = server.bean(PushRequests.class).start(account, flow, "Test web app", "192.0.2.7");
            assertThat(started).isInstanceOf(PushStart.Sent.class);
            PushRequest request = ((PushStart.Sent) started).request();

            HttpResponse<String> pending = phone.call("/pending", Map.of());
            List<JsonNode> requests = AuthenticatorDevice.json(pending).get("requests").valueStream().toList();
            assertThat(requests).extracting(r -> r.get("id").asString()).containsExactly(request.id());
            HttpResponse<String> approved = phone.call("/decide",
                    Map.of("request", request.id(), "decision", "approve", "number", request.number()));
            assertThat(AuthenticatorDevice.json(approved).get("outcome").asString()).isEqualTo("approved");
            assertThat(server.bean(PushRequests.class).spend(request.id(), flow)).isTrue();

            JdbcClient jdbc = server.bean(JdbcClient.class);
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            List<String> outcomes = List.of();
            while (System.nanoTime() < deadline && !outcomes.contains("failure")) {
                outcomes = jdbc.sql("SELECT outcome FROM audit_event WHERE account_id = :a AND event_type = 'authenticator.push'")
                        .param("a", account).query(String.class).list();
                Thread.sleep(100);
            }
            assertThat(outcomes).as("the failed push is audited").contains("sent", "failure");
        }
    }
}
