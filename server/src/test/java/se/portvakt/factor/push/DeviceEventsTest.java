package se.portvakt.factor.push;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;

import se.portvakt.account.Account;
import se.portvakt.account.AccountStore;
import se.portvakt.config.PortvaktProperties;
import se.portvakt.delivery.outbox.DevOutbox;
import se.portvakt.delivery.push.PushOutcome;
import se.portvakt.delivery.push.PushSender;
import se.portvakt.testing.AuthenticatorDevice;
import se.portvakt.testing.OnH2;
import se.portvakt.testing.OnPostgres;
import se.portvakt.testing.TestPeople;

/**
 * What the browser waiting on this node hears: {@link DevicePaired} and {@link PushDecided}, published once what
 * they announce is committed (a listener reading the database finds it). And a push service that says a
 * subscription is gone (404/410) makes the server forget it.
 */
abstract class DeviceEventsTest {

    @OnH2
    @Import(StandIns.class)
    static class OnEmbeddedDatabase extends DeviceEventsTest {}

    @OnPostgres
    @Import(StandIns.class)
    static class OnPostgreSql extends DeviceEventsTest {}

    /** A listener as the sign-in's SSE endpoint would be, and a push service that has forgotten some subscriptions. */
    @TestConfiguration(proxyBeanMethods = false)
    static class StandIns {

        @Bean
        Heard heard(Pairings pairings, PushRequests requests) {
            return new Heard(pairings, requests);
        }

        /** Answers like a push service: 410 Gone for endpoints under /gone/, else the development outbox. */
        @Bean
        @Primary
        PushSender pushService(DevOutbox outbox) {
            return (to, payload, ttl) -> {
                if (to.endpoint().contains("/gone/")) {
                    return new PushOutcome.Gone();
                }
                outbox.store("push", to.endpoint(), "Push", new String(payload, java.nio.charset.StandardCharsets.UTF_8), null);
                return new PushOutcome.Delivered();
            };
        }
    }

    /** Each event with what the database said when it arrived. */
    static class Heard {
        final List<Object> events = new CopyOnWriteArrayList<>();
        final List<Object> seen = new CopyOnWriteArrayList<>();
        private final Pairings pairings;
        private final PushRequests requests;

        Heard(Pairings pairings, PushRequests requests) {
            this.pairings = pairings;
            this.requests = requests;
        }

        @EventListener
        void paired(DevicePaired event) {
            events.add(event);
            seen.add(pairings.pairedBy(event.flowId()).map(Device::id));
        }

        @EventListener
        void decided(PushDecided event) {
            events.add(event);
            seen.add(requests.latest(event.flowId()).map(PushRequest::state));
        }
    }

    @Autowired
    Heard heard;

    @Autowired
    Pairings pairings;

    @Autowired
    PushRequests requests;

    @Autowired
    Devices devices;

    @Autowired
    AccountStore accounts;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    PortvaktProperties settings;

    @Test
    void pairingAndDecidingAreAnnouncedOnceCommitted() {
        Account account = TestPeople.account(accounts, "events", null);
        String flow = UUID.randomUUID().toString();
        AuthenticatorDevice phone = new AuthenticatorDevice(settings.issuer());
        assertThat(phone.pair(pairings.issue(account.id(), flow).code(), null).statusCode()).isEqualTo(201);

        assertThat(heard.events).contains(new DevicePaired(flow, account.id(), phone.id()));
        assertThat(heard.seen.get(heard.events.indexOf(new DevicePaired(flow, account.id(), phone.id()))))
                .isEqualTo(Optional.of(phone.id()));

        PushRequest request = ((PushStart.Sent) requests.start(account.id(), flow, "Test web app", "192.0.2.7")).request();
        assertThat(phone.call("/decide", Map.of("request", request.id(), "decision", "approve", "number", request.number()))
                .statusCode()).isEqualTo(200);

        PushDecided decided = new PushDecided(flow, request.id(), PushRequest.State.APPROVED);
        assertThat(heard.events).containsOnlyOnce(decided);
        assertThat(heard.seen.get(heard.events.indexOf(decided))).isEqualTo(Optional.of(PushRequest.State.APPROVED));
    }

    @Test
    void aSubscriptionThePushServiceCallsGoneIsForgotten() {
        Account account = TestPeople.account(accounts, "gone", null);
        AuthenticatorDevice phone = new AuthenticatorDevice(settings.issuer());
        Map<String, Object> gone = Map.of("endpoint", "https://push.example.test/gone/" + UUID.randomUUID(),
                "keys", AuthenticatorDevice.subscription().get("keys"));
        assertThat(phone.pair(pairings.issue(account.id(), UUID.randomUUID().toString()).code(), gone).statusCode())
                .isEqualTo(201);
        assertThat(devices.of(account.id())).singleElement().satisfies(d -> assertThat(d.reachable()).isTrue());

        requests.start(account.id(), UUID.randomUUID().toString(), "Test web app", "192.0.2.7");

        Instant until = Instant.now().plus(Duration.ofSeconds(5));
        while (devices.of(account.id()).get(0).reachable() && Instant.now().isBefore(until)) {
            ApprovingASignInTest.sleep();
        }
        assertThat(devices.of(account.id())).singleElement().satisfies(d -> assertThat(d.reachable()).isFalse());
        assertThat(jdbc.sql("SELECT COUNT(*) FROM audit_event WHERE event_type = 'authenticator.subscription' "
                        + "AND outcome = 'gone' AND account_id = :a")
                .param("a", account.id()).query(Integer.class).single()).isEqualTo(1);
        assertThat(phone.call("/pending", Map.of()).body()).as("the device still finds its requests by asking")
                .contains("Test web app");
    }
}
