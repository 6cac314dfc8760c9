package se.portvakt.factor.push;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import se.portvakt.account.AccountStore;
import se.portvakt.account.EmailAddress;
import se.portvakt.testing.AuthenticatorDevice;
import se.portvakt.testing.TestDatabase;
import se.portvakt.testing.TestServer;

/**
 * Two Portvakt nodes on one PostgreSQL database behind a load balancer: a device paired through one node is known
 * to the other, its decision on one is seen on the other, and a message it sent to one is refused as a replay by
 * the other.
 */
class TwoNodesTest {

    private final TestDatabase database = new TestDatabase.Postgres();
    private final String name = TestDatabase.newName();

    @AfterEach
    void dropDatabase() {
        database.drop(name);
    }

    @Test
    void pairedThroughOneNodeTheDeviceDecidesThroughTheOther() {
        // Both nodes serve one issuer, as behind a load balancer; the device signs for the issuer's URLs.
        Map<String, String> sameIssuer = Map.of("portvakt.issuer", "https://id.example.test");
        try (TestServer one = TestServer.start(database, name, sameIssuer);
                TestServer two = TestServer.start(database, name, sameIssuer)) {
            String account = one.bean(AccountStore.class).findByEmail(new EmailAddress("signed.in@example.com"))
                    .orElseThrow().id();
            String flow = UUID.randomUUID().toString();
            PairingCode code = one.bean(Pairings.class).issue(account, flow);
            AuthenticatorDevice phone = new AuthenticatorDevice(one.issuer()).via(one.loopback());
            assertThat(phone.pair(code.code(), null).statusCode()).isEqualTo(201);
            assertThat(two.bean(Pairings.class).pairedBy(flow)).hasValueSatisfying(d -> assertThat(d.id()).isEqualTo(phone.id()));

            PushRequest request = ((PushStart.Sent) one.bean(PushRequests.class)
                    .start(account, flow, "Test web app", "192.0.2.7")).request();
            String approval = phone.message("/decide",
                    Map.of("request", request.id(), "decision", "approve", "number", request.number()));
            HttpResponse<String> answer = phone.via(two.loopback()).post("/decide", approval);

            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            assertThat(AuthenticatorDevice.json(answer).get("outcome").asString()).isEqualTo("approved");
            assertThat(one.bean(PushRequests.class).latest(flow))
                    .hasValueSatisfying(r -> assertThat(r.state()).isEqualTo(PushRequest.State.APPROVED));
            assertThat(one.bean(PushRequests.class).spend(request.id(), flow)).isTrue();
            assertThat(two.bean(PushRequests.class).spend(request.id(), flow)).isFalse();

            HttpResponse<String> replayed = phone.via(one.loopback()).post("/decide", approval);
            assertThat(replayed.statusCode()).as("the same message to the other node").isEqualTo(401);
        }
    }
}
