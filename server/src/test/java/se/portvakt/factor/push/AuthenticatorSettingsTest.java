package se.portvakt.factor.push;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import se.portvakt.account.AccountStore;
import se.portvakt.account.EmailAddress;
import se.portvakt.testing.AuthenticatorDevice;
import se.portvakt.testing.TestServer;

/**
 * An operator's settings under {@code portvakt.authenticator}: the person types the number instead of tapping one,
 * push pauses after fewer denials, and requests live as long as configured.
 */
class AuthenticatorSettingsTest {

    @Test
    void typedNumbersShorterRequestsAndAnEarlierPause() {
        try (TestServer server = TestServer.onNewH2(Map.of("portvakt.authenticator.type-number", "true",
                "portvakt.authenticator.request-ttl", "30s", "portvakt.authenticator.pause-after", "2"))) {
            String account = server.bean(AccountStore.class).findByEmail(new EmailAddress("signed.in@example.com"))
                    .orElseThrow().id();
            AuthenticatorDevice phone = new AuthenticatorDevice(server.issuer());
            assertThat(phone.pair(server.bean(Pairings.class).issue(account, UUID.randomUUID().toString()).code(), null)
                    .statusCode()).isEqualTo(201);
            PushRequests requests = server.bean(PushRequests.class);
            PushRequest request = ((PushStart.Sent) requests.start(account, UUID.randomUUID().toString(), "App", "192.0.2.7"))
                    .request();

            JsonNode shown = AuthenticatorDevice.json(phone.call("/pending", Map.of())).get("requests").get(0);
            assertThat(shown.get("typeNumber").asBoolean()).isTrue();
            assertThat(java.time.Duration.between(request.createdAt(), request.expiresAt())).hasSeconds(30);

            phone.call("/decide", Map.of("request", request.id(), "decision", "approve", "number", 100));
            assertThat(requests.pausedUntil(account)).isEmpty();
            PushRequest second = ((PushStart.Sent) requests.start(account, UUID.randomUUID().toString(), "App", "192.0.2.7"))
                    .request();
            phone.call("/decide", Map.of("request", second.id(), "decision", "deny"));
            assertThat(requests.pausedUntil(account)).as("after two in a row").isPresent();
        }
    }
}
