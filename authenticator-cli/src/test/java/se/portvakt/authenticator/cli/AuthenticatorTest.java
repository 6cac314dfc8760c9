package se.portvakt.authenticator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.ECKey;

/**
 * The library against a stand-in server that checks every message as decision 0019 says: what the device sends,
 * and what it makes of every answer.
 */
class AuthenticatorTest {

    @TempDir
    Path directory;

    StubPortvakt server;
    Authenticator phone;

    @BeforeEach
    void start() throws IOException {
        server = StubPortvakt.startAt("/id");
        phone = new Authenticator(directory.resolve("accounts.json"));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private Account paired(String email) {
        Outcome outcome = phone.pair(server.issuer() + "/authenticator/#pair=" + server.pairingCode(email), null,
                "Laptop", Optional.empty());
        assertThat(outcome).isInstanceOf(Outcome.Paired.class);
        return ((Outcome.Paired) outcome).account();
    }

    @Test
    void pairingByTheLinkStoresTheAccountWithTheKeyTheServerVerified() {
        Outcome outcome = phone.pair(server.issuer() + "/authenticator/#pair=" + server.pairingCode("erik@example.com"),
                null, "Laptop", Optional.of(new PushSubscription("https://push.example.net/1", "BKEY", "AUTH")));

        assertThat(outcome).isInstanceOf(Outcome.Paired.class);
        Account account = ((Outcome.Paired) outcome).account();
        assertThat(account.email()).isEqualTo("erik@example.com");
        assertThat(account.issuer()).isEqualTo(server.issuer());
        assertThat(account.name()).isEqualTo("Laptop");
        StubPortvakt.Received pair = server.received("pair").get(0);
        assertThat(pair.jws().getHeader().getJWK()).isEqualTo(account.key().toPublicJWK());
        assertThat(pair.claims()).containsEntry("name", "Laptop");
        assertThat(server.subscriptions).containsEntry(account.device(),
                Map.of("endpoint", "https://push.example.net/1", "keys", Map.of("p256dh", "BKEY", "auth", "AUTH")));
        List<Account> stored = new Authenticator(directory.resolve("accounts.json")).accounts();
        assertThat(stored).hasSize(1);
        assertThat(stored.get(0).device()).isEqualTo(account.device());
        assertThat(stored.get(0).key().toPublicJWK()).isEqualTo(account.key().toPublicJWK());
    }

    @Test
    void aTypedCodeGoesToTheServerNamed() {
        String code = server.pairingCode("erik@example.com");
        String typed = (code.substring(0, 4) + "-" + code.substring(4, 8) + "-" + code.substring(8)).toLowerCase();

        assertThat(phone.pair(typed, URI.create(server.issuer() + "/"), "Laptop", Optional.empty()))
                .isInstanceOf(Outcome.Paired.class);
    }

    @Test
    void aSpentCodeIsRefusedAsInvalidCodeAndStoresNothing() {
        String code = server.pairingCode("erik@example.com");
        assertThat(phone.pair(code, server.issuer(), "Laptop", Optional.empty())).isInstanceOf(Outcome.Paired.class);

        Outcome again = new Authenticator(directory.resolve("other.json"))
                .pair(code, server.issuer(), "Laptop", Optional.empty());

        assertThat(again).isEqualTo(new Outcome.Refused(400, "invalid_code", "unknown, expired or used"));
        assertThat(new Authenticator(directory.resolve("other.json")).accounts()).isEmpty();
    }

    @Test
    void pairingTheSameAccountAgainReplacesTheOldKey() {
        Account first = paired("erik@example.com");
        Account second = paired("erik@example.com");

        assertThat(phone.accounts()).extracting(Account::device).containsExactly(second.device());
        assertThat(second.device()).isNotEqualTo(first.device());
    }

    @Test
    void pendingRequestsAreReadWithTheirNumbers() {
        Account account = paired("erik@example.com");
        StubPortvakt.Request request = server.signIn("erik@example.com", 42, false);
        server.signIn("anna@example.com", 17, false);

        Outcome outcome = phone.pending(account);

        assertThat(outcome).isInstanceOf(Outcome.Requests.class);
        List<PendingRequest> requests = ((Outcome.Requests) outcome).requests();
        assertThat(requests).hasSize(1);
        PendingRequest pending = requests.get(0);
        assertThat(pending.id()).isEqualTo(request.id);
        assertThat(pending.application()).isEqualTo("Flex HRM");
        assertThat(pending.address()).isEqualTo("192.0.2.7");
        assertThat(pending.place()).isNull();
        assertThat(pending.numbers()).containsExactly(41, 42, 43);
        assertThat(pending.typeNumber()).isFalse();
        assertThat(pending.expiresAt()).isAfter(pending.createdAt());
        StubPortvakt.Received sent = server.received("pending").get(0);
        assertThat(sent.jws().getHeader().getKeyID()).isEqualTo(account.device());
        assertThat(sent.claims()).containsOnlyKeys("htu", "iat", "jti");
    }

    @Test
    void approvingWithTheBrowsersNumberApprovesOnce() {
        Account account = paired("erik@example.com");
        StubPortvakt.Request request = server.signIn("erik@example.com", 42, false);

        assertThat(phone.approve(account, request.id, 42)).isInstanceOf(Outcome.Approved.class);
        assertThat(phone.approve(account, request.id, 42)).isInstanceOf(Outcome.Decided.class);
        assertThat(server.received("decide").get(0).claims()).containsEntry("request", request.id)
                .containsEntry("decision", "approve").containsEntry("number", 42L);
    }

    @Test
    void aWrongNumberIsADenial() {
        Account account = paired("erik@example.com");
        StubPortvakt.Request request = server.signIn("erik@example.com", 42, false);

        assertThat(phone.approve(account, request.id, 43)).isInstanceOf(Outcome.WrongNumber.class);
        assertThat(request.state).isEqualTo("denied");
    }

    @Test
    void denyingThenReportingSendsNoNumber() {
        Account account = paired("erik@example.com");
        StubPortvakt.Request request = server.signIn("erik@example.com", 42, false);

        assertThat(phone.deny(account, request.id)).isInstanceOf(Outcome.Denied.class);
        assertThat(phone.report(account, request.id)).isInstanceOf(Outcome.Reported.class);

        assertThat(server.received("decide").get(0).claims()).containsEntry("decision", "deny")
                .doesNotContainKey("number");
        assertThat(server.received("report").get(0).claims()).containsEntry("request", request.id);
        assertThat(request.reported).isTrue();
    }

    @Test
    void anUnknownRequestHasExpired() {
        Account account = paired("erik@example.com");

        assertThat(phone.approve(account, "req-none", 42)).isInstanceOf(Outcome.Expired.class);
    }

    @Test
    void theSubscriptionIsSetAndCleared() {
        Account account = paired("erik@example.com");

        assertThat(phone.updateSubscription(account,
                Optional.of(new PushSubscription("https://push.example.net/2", "B", "A"))))
                .isInstanceOf(Outcome.Done.class);
        assertThat(server.subscriptions).containsKey(account.device());
        assertThat(phone.updateSubscription(account, Optional.empty())).isInstanceOf(Outcome.Done.class);
        assertThat(server.subscriptions).doesNotContainKey(account.device());
        assertThat(server.received("subscription").get(1).claims()).containsEntry("push", null);
    }

    @Test
    void removingTellsTheServerAndForgetsTheAccount() {
        Account account = paired("erik@example.com");
        Account other = paired("anna@example.com");

        assertThat(phone.remove(account)).isInstanceOf(Outcome.Done.class);

        assertThat(phone.accounts()).containsExactly(other);
        assertThat(phone.send(phone.sign(account, phone.message(account, Operation.PENDING))))
                .as("the server forgot the key").isInstanceOf(Outcome.DeviceRemoved.class);
    }

    @Test
    void aDeviceTheServerRemovedIsMarkedRemovedAndItsKeyForgotten() {
        Account account = paired("erik@example.com");
        server.removeDevice(account.device());

        assertThat(phone.pending(account)).isInstanceOf(Outcome.DeviceRemoved.class);

        Account stored = phone.accounts().get(0);
        assertThat(stored.removed()).isTrue();
        assertThat(stored.key()).isNull();
        int calls = server.received.size();
        assertThat(phone.pending(stored)).isInstanceOf(Outcome.DeviceRemoved.class);
        assertThat(server.received).as("no call for a removed account").hasSize(calls);
        assertThat(phone.remove(stored)).isInstanceOf(Outcome.DeviceRemoved.class);
        assertThat(phone.accounts()).isEmpty();
    }

    @Test
    void aReplayedMessageIsRefusedAndTheRawSendLeavesTheStateAlone() {
        Account account = paired("erik@example.com");
        StubPortvakt.Request request = server.signIn("erik@example.com", 42, false);
        Signed approval = phone.signedApproval(account, request.id, 42);

        assertThat(phone.send(approval)).isInstanceOf(Outcome.Approved.class);
        assertThat(phone.send(approval)).isEqualTo(new Outcome.Refused(401, "invalid_signature", "jti missing or replayed"));

        assertThat(phone.accounts().get(0).removed()).isFalse();
    }

    @Test
    void aForeignKeyOrAWrongTypeIsRefused() throws Exception {
        Account account = paired("erik@example.com");
        StubPortvakt.Request request = server.signIn("erik@example.com", 42, false);
        Message approval = phone.message(account, Operation.DECIDE).with("request", request.id)
                .with("decision", "approve").with("number", 42);
        ECKey foreign = Authenticator.newKey();

        assertThat(phone.send(approval.signAsDevice(account.device(), foreign)))
                .isEqualTo(new Outcome.Refused(401, "invalid_signature", "The signature does not verify."));
        assertThat(phone.send(approval.with("jti", "another-random-id-of-22").sign(
                new JWSHeader.Builder(JWSAlgorithm.ES256).type(new JOSEObjectType("JWT")).keyID(account.device())
                        .build(), account.key())))
                .isEqualTo(new Outcome.Refused(400, "invalid_request", "wrong typ or alg"));
        assertThat(phone.send(approval.with("htu", server.issuer() + "/authenticator/api/pending")
                .signAsDevice(account.device(), account.key())))
                .isEqualTo(new Outcome.Refused(400, "invalid_request", "htu is not this endpoint"));
        assertThat(request.state).isEqualTo("pending");
    }

    @Test
    void aStaleMessageIsRefused() {
        Account account = paired("erik@example.com");
        Authenticator slow = new Authenticator(directory.resolve("accounts.json"), HttpClient.newHttpClient(),
                Clock.offset(Clock.systemUTC(), Duration.ofMinutes(-3)));

        assertThat(slow.send(slow.sign(account, slow.message(account, Operation.PENDING))))
                .isEqualTo(new Outcome.Refused(401, "invalid_signature", "iat is not now"));
        assertThat(slow.pending(account)).as("a clock that is off is no removal").isInstanceOf(Outcome.Refused.class);
        assertThat(slow.accounts().get(0).removed()).isFalse();
    }

    @Test
    void aServerThatIsNotThereIsUnreachable() {
        Account account = paired("erik@example.com");
        server.close();

        assertThat(phone.pending(account)).isInstanceOf(Outcome.Unreachable.class);
        assertThat(phone.accounts().get(0).removed()).isFalse();
    }
}
