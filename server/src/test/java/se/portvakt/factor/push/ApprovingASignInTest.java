package se.portvakt.factor.push;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

import se.portvakt.account.Account;
import se.portvakt.account.AccountStore;
import se.portvakt.config.PortvaktProperties;
import se.portvakt.testing.AuthenticatorDevice;
import se.portvakt.testing.OnH2;
import se.portvakt.testing.OnPostgres;
import se.portvakt.testing.Race;
import se.portvakt.testing.TestPeople;
import se.portvakt.testing.TwoFactorPerson;

/**
 * Journey step 5 with Portvakt Authenticator: a sign-in asks the paired phone, the phone shows three numbers,
 * the person taps the one the browser shows; the browser goes on once. Denials, wrong numbers, late answers,
 * replays and removed devices are refused as decision 0019 says, and push fatigue pauses push.
 */
abstract class ApprovingASignInTest {

    @OnH2
    static class OnEmbeddedDatabase extends ApprovingASignInTest {}

    @OnPostgres
    static class OnPostgreSql extends ApprovingASignInTest {}

    @Autowired
    Pairings pairings;

    @Autowired
    Devices devices;

    @Autowired
    PushRequests requests;

    @Autowired
    AccountStore accounts;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    PortvaktProperties settings;

    Account account;
    AuthenticatorDevice phone;

    /** A new account with a phone paired (with a push subscription when asked). */
    void paired(Map<String, Object> push) {
        account = TestPeople.account(accounts, "push", null);
        phone = new AuthenticatorDevice(settings.issuer());
        PairingCode code = pairings.issue(account.id(), UUID.randomUUID().toString());
        assertThat(phone.pair(code.code(), push).statusCode()).isEqualTo(201);
    }

    PushRequest started(String flow) {
        PushStart start = requests.start(account.id(), flow, "Test web app", "192.0.2.7");
        assertThat(start).isInstanceOf(PushStart.Sent.class);
        return ((PushStart.Sent) start).request();
    }

    HttpResponse<String> decide(PushRequest request, String decision, Integer number) {
        return phone.call("/decide", number == null ? Map.of("request", request.id(), "decision", decision)
                : Map.of("request", request.id(), "decision", decision, "number", number));
    }

    static String outcome(HttpResponse<String> answer) {
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return AuthenticatorDevice.json(answer).get("outcome").asString();
    }

    @Test
    void thePhoneListsTheRequestWithThreeNumbersOneOfThemTheBrowsers() {
        paired(null);
        String flow = UUID.randomUUID().toString();
        PushRequest request = started(flow);
        assertThat(request.number()).isBetween(10, 99);
        assertThat(request.choices()).hasSize(3).doesNotHaveDuplicates().contains(request.number())
                .allSatisfy(n -> assertThat(n).isBetween(10, 99));
        assertThat(request.expiresAt()).isEqualTo(request.createdAt().plus(settings.authenticator().requestTtl()));

        HttpResponse<String> answer = phone.call("/pending", Map.of());

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        JsonNode listed = AuthenticatorDevice.json(answer).get("requests");
        assertThat(listed).hasSize(1);
        JsonNode shown = listed.get(0);
        assertThat(shown.get("id").asString()).isEqualTo(request.id());
        assertThat(shown.get("application").asString()).isEqualTo("Test web app");
        assertThat(shown.get("address").asString()).isEqualTo("192.0.2.7");
        assertThat(shown.get("place").isNull()).isTrue();
        assertThat(Instant.parse(shown.get("expiresAt").asString())).isEqualTo(request.expiresAt());
        assertThat(Instant.parse(shown.get("createdAt").asString())).isEqualTo(request.createdAt());
        assertThat(shown.get("typeNumber").asBoolean()).isFalse();
        List<Integer> numbers = new ArrayList<>();
        shown.get("numbers").forEach(n -> numbers.add(n.asInt()));
        assertThat(numbers).isEqualTo(request.choices());
        assertThat(requests.latest(flow)).hasValueSatisfying(r -> assertThat(r.state()).isEqualTo(PushRequest.State.PENDING));
    }

    @Test
    void theRightNumberApprovesOnceAndTheBrowserGoesOnOnce() {
        paired(null);
        String flow = UUID.randomUUID().toString();
        PushRequest request = started(flow);

        assertThat(outcome(decide(request, "approve", request.number()))).isEqualTo("approved");

        assertThat(requests.latest(flow)).hasValueSatisfying(r -> assertThat(r.state()).isEqualTo(PushRequest.State.APPROVED));
        assertThat(outcome(decide(request, "approve", request.number()))).as("a second answer").isEqualTo("decided");
        assertThat(outcome(decide(request, "deny", null))).isEqualTo("decided");
        assertThat(requests.spend(request.id(), "another flow")).as("only the flow that asked").isFalse();
        assertThat(requests.spend(request.id(), flow)).isTrue();
        assertThat(requests.spend(request.id(), flow)).as("once").isFalse();
        assertThat(phone.call("/pending", Map.of()).body()).contains("\"requests\":[]");
        assertThat(audit("authenticator.decide", "approved")).anySatisfy(d -> assertThat(d).contains(request.id()));
    }

    @Test
    void theSameApprovalSentTwentyTimesAtOnceApprovesOnce() throws Exception {
        paired(null);
        PushRequest request = started(UUID.randomUUID().toString());
        List<String> messages = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            messages.add(phone.message("/decide", Map.of("request", request.id(), "decision", "approve", "number", request.number())));
        }
        AtomicInteger next = new AtomicInteger();

        List<HttpResponse<String>> answers = Race.run(20, () -> phone.post("/decide", messages.get(next.getAndIncrement())));

        assertThat(answers).extracting(ApprovingASignInTest::outcome).containsOnlyOnce("approved")
                .filteredOn(o -> !o.equals("approved")).hasSize(19).containsOnly("decided");
    }

    @Test
    void oneSignedMessageSentTwentyTimesAtOnceCountsOnce() throws Exception {
        paired(null);
        PushRequest request = started(UUID.randomUUID().toString());
        String message = phone.message("/decide", Map.of("request", request.id(), "decision", "approve", "number", request.number()));

        List<HttpResponse<String>> answers = Race.run(20, () -> phone.post("/decide", message));

        assertThat(answers).filteredOn(a -> a.statusCode() == 200).hasSize(1)
                .allSatisfy(a -> assertThat(outcome(a)).isEqualTo("approved"));
        assertThat(answers).filteredOn(a -> a.statusCode() == 401).hasSize(19)
                .allSatisfy(a -> assertThat(a.body()).contains("invalid_signature"));
    }

    @Test
    void manyStartsOfOneSignInAtOnceLeaveOnePendingRequestAndNoError() throws Exception {
        paired(null);
        String flow = UUID.randomUUID().toString();

        List<PushStart> starts = Race.run(30, () -> requests.start(account.id(), flow, "Test web app", "192.0.2.7"));

        // Every start answers (a burst of unanswered requests may pause push, as it should); none fails.
        assertThat(starts).allSatisfy(start -> assertThat(start).isInstanceOfAny(PushStart.Sent.class, PushStart.Paused.class));
        assertThat(starts).anySatisfy(start -> assertThat(start).isInstanceOf(PushStart.Sent.class));
        assertThat(jdbc.sql("SELECT COUNT(*) FROM push_request WHERE pending_flow_id = :flow").param("flow", flow)
                .query(Integer.class).single()).as("one pending request per sign-in").isEqualTo(1);
    }

    @Test
    void aReplayedMessageIsRefused() {
        paired(null);
        String pending = phone.message("/pending", Map.of());
        assertThat(phone.post("/pending", pending).statusCode()).isEqualTo(200);

        HttpResponse<String> replayed = phone.post("/pending", pending);

        assertThat(replayed.statusCode()).isEqualTo(401);
        assertThat(AuthenticatorDevice.json(replayed).get("error").asString()).isEqualTo("invalid_signature");
        assertThat(audit("authenticator.call", "failure")).anySatisfy(d -> assertThat(d).contains("sent before"));
    }

    @Test
    void aDenialDeniesAndTheBrowserCannotGoOn() {
        paired(null);
        String flow = UUID.randomUUID().toString();
        PushRequest request = started(flow);

        assertThat(outcome(decide(request, "deny", null))).isEqualTo("denied");

        assertThat(requests.latest(flow)).hasValueSatisfying(r -> assertThat(r.state()).isEqualTo(PushRequest.State.DENIED));
        assertThat(requests.spend(request.id(), flow)).isFalse();
        assertThat(outcome(decide(request, "approve", request.number()))).isEqualTo("decided");
        assertThat(audit("authenticator.decide", "denied")).anySatisfy(d -> assertThat(d).contains(request.id()));
    }

    @Test
    void aWrongNumberIsADenial() {
        paired(null);
        String flow = UUID.randomUUID().toString();
        PushRequest request = started(flow);
        int wrong = request.choices().stream().filter(n -> n != request.number()).findFirst().orElseThrow();

        assertThat(outcome(decide(request, "approve", wrong))).isEqualTo("wrong-number");

        assertThat(requests.latest(flow)).hasValueSatisfying(r -> assertThat(r.state()).isEqualTo(PushRequest.State.DENIED));
        assertThat(requests.spend(request.id(), flow)).isFalse();
        assertThat(outcome(decide(request, "approve", request.number()))).as("no second try").isEqualTo("decided");
        assertThat(audit("authenticator.decide", "wrong-number")).anySatisfy(d -> assertThat(d).contains(request.id()));
    }

    @Test
    void anAnswerAfterTheRequestExpiredIsLate() {
        paired(null);
        String flow = UUID.randomUUID().toString();
        PushRequest request = started(flow);
        jdbc.sql("UPDATE push_request SET expires_at = :past WHERE id = :id")
                .param("past", Rows.utc(Instant.now().minusSeconds(1))).param("id", request.id()).update();

        assertThat(requests.latest(flow)).hasValueSatisfying(r -> assertThat(r.state()).isEqualTo(PushRequest.State.EXPIRED));
        assertThat(phone.call("/pending", Map.of()).body()).contains("\"requests\":[]");
        assertThat(outcome(decide(request, "approve", request.number()))).isEqualTo("expired");
        assertThat(requests.spend(request.id(), flow)).isFalse();
    }

    @Test
    void aNewRequestOfTheSameSignInReplacesTheWaitingOneAndGivingUpEndsIt() {
        paired(null);
        String flow = UUID.randomUUID().toString();
        PushRequest first = started(flow);
        PushRequest second = started(flow);

        assertThat(requests.latest(flow)).hasValueSatisfying(r -> assertThat(r.id()).isEqualTo(second.id()));
        assertThat(AuthenticatorDevice.json(phone.call("/pending", Map.of())).get("requests")).hasSize(1);
        assertThat(outcome(decide(first, "approve", first.number()))).isEqualTo("expired");

        requests.cancel(flow);

        assertThat(requests.latest(flow)).hasValueSatisfying(r -> assertThat(r.state()).isEqualTo(PushRequest.State.EXPIRED));
        assertThat(outcome(decide(second, "approve", second.number()))).isEqualTo("expired");
    }

    @Test
    void aDeviceRemovedWhileItsRequestWaitsIsRefused() {
        paired(null);
        PushRequest request = started(UUID.randomUUID().toString());

        assertThat(devices.remove(account.id(), phone.id())).isTrue();

        HttpResponse<String> answer = decide(request, "approve", request.number());
        assertThat(answer.statusCode()).isEqualTo(401);
        assertThat(AuthenticatorDevice.json(answer).get("error").asString()).isEqualTo("unknown_device");
        assertThat(requests.start(account.id(), UUID.randomUUID().toString(), "Test web app", "192.0.2.7"))
                .isInstanceOf(PushStart.NoDevice.class);
        assertThat(audit("authenticator.device.removed", "success")).anySatisfy(d -> assertThat(d).contains(phone.id()));
    }

    @Test
    void aDeviceThatRemovesItselfIsForgotten() {
        paired(null);

        assertThat(phone.call("/remove", Map.of()).statusCode()).isEqualTo(204);

        assertThat(devices.any(account.id())).isFalse();
        assertThat(phone.call("/pending", Map.of()).statusCode()).isEqualTo(401);
    }

    @Test
    void aRequestOfAnotherAccountIsUnknownToTheDevice() {
        paired(null);
        AuthenticatorDevice mine = phone;
        paired(null);
        PushRequest theirs = started(UUID.randomUUID().toString());

        HttpResponse<String> answer = mine.call("/decide", Map.of("request", theirs.id(), "decision", "approve", "number", theirs.number()));

        assertThat(answer.statusCode()).isEqualTo(400);
        assertThat(outcome(decide(theirs, "approve", theirs.number()))).as("still pending for its own device").isEqualTo("approved");
    }

    @Test
    void pushPausesAfterRequestsInARowAreDenied() {
        paired(null);
        int inARow = settings.authenticator().pauseAfter();
        for (int i = 0; i < inARow; i++) {
            assertThat(requests.pausedUntil(account.id())).as("before denial %d", i + 1).isEmpty();
            assertThat(outcome(decide(started(UUID.randomUUID().toString()), "deny", null))).isEqualTo("denied");
        }

        assertThat(requests.pausedUntil(account.id())).hasValueSatisfying(until -> assertThat(until)
                .isBetween(Instant.now().plus(settings.authenticator().pauseFor()).minusSeconds(30),
                        Instant.now().plus(settings.authenticator().pauseFor())));
        PushStart paused = requests.start(account.id(), UUID.randomUUID().toString(), "Test web app", "192.0.2.7");
        assertThat(paused).isInstanceOf(PushStart.Paused.class);
        assertThat(audit("authenticator.pause", "paused")).isNotEmpty();

        // After the pause the count starts again: one more request goes out.
        jdbc.sql("UPDATE push_pause SET paused_until = :past WHERE account_id = :a")
                .param("past", Rows.utc(Instant.now().minusSeconds(1))).param("a", account.id()).update();
        started(UUID.randomUUID().toString());
    }

    @Test
    void unansweredRequestsInARowPausePushToo() {
        paired(null);
        for (int i = 0; i < settings.authenticator().pauseAfter(); i++) {
            started(UUID.randomUUID().toString());
        }

        assertThat(requests.start(account.id(), UUID.randomUUID().toString(), "Test web app", "192.0.2.7"))
                .isInstanceOf(PushStart.Paused.class);
    }

    @Test
    void anApprovalBreaksTheRow() {
        paired(null);
        for (int i = 0; i < settings.authenticator().pauseAfter() - 1; i++) {
            outcome(decide(started(UUID.randomUUID().toString()), "deny", null));
        }
        PushRequest approved = started(UUID.randomUUID().toString());
        assertThat(outcome(decide(approved, "approve", approved.number()))).isEqualTo("approved");
        outcome(decide(started(UUID.randomUUID().toString()), "deny", null));

        assertThat(requests.pausedUntil(account.id())).isEmpty();
    }

    @Test
    void thisWasNotMePausesPushAndMailsHowToChangeThePassword() {
        paired(null);
        String flow = UUID.randomUUID().toString();
        PushRequest request = started(flow);
        assertThat(outcome(decide(request, "deny", null))).isEqualTo("denied");

        HttpResponse<String> answer = phone.call("/report", Map.of("request", request.id()));

        assertThat(outcome(answer)).isEqualTo("reported");
        assertThat(requests.pausedUntil(account.id())).hasValueSatisfying(until -> assertThat(until)
                .isAfter(Instant.now().plus(settings.authenticator().reportPauseFor()).minus(Duration.ofMinutes(1))));
        assertThat(requests.start(account.id(), UUID.randomUUID().toString(), "Test web app", "192.0.2.7"))
                .isInstanceOf(PushStart.Paused.class);
        String subject = "Someone else knows your password: change it now";
        assertThat(new TwoFactorPerson(jdbc).mailSubjectsTo(account.email().value(), subject)).containsOnlyOnce(subject);
        String mail = jdbc.sql("SELECT text_body FROM dev_outbox WHERE recipient = :to AND subject = :s")
                .param("to", account.email().value()).param("s", subject).query(String.class).single();
        assertThat(mail).contains("Test web app", "192.0.2.7", settings.issuer() + "/signin/forgot?email=");
        assertThat(audit("authenticator.report", "reported")).anySatisfy(d -> assertThat(d).contains(request.id()));

        assertThat(outcome(phone.call("/report", Map.of("request", request.id())))).as("again").isEqualTo("reported");
        assertThat(new TwoFactorPerson(jdbc).mailSubjectsTo(account.email().value(), subject))
                .as("mailed once").containsOnlyOnce(subject);
    }

    @Test
    void aReportOfAWaitingRequestDeniesIt() {
        paired(null);
        String flow = UUID.randomUUID().toString();
        PushRequest request = started(flow);

        assertThat(outcome(phone.call("/report", Map.of("request", request.id())))).isEqualTo("reported");

        assertThat(requests.latest(flow)).hasValueSatisfying(r -> assertThat(r.state()).isEqualTo(PushRequest.State.DENIED));
    }

    @Test
    void anApprovalTappedByMistakeCanStillBeReported() {
        paired(null);
        String flow = UUID.randomUUID().toString();
        PushRequest request = started(flow);
        assertThat(outcome(decide(request, "approve", request.number()))).isEqualTo("approved");

        assertThat(outcome(phone.call("/report", Map.of("request", request.id())))).isEqualTo("reported");

        assertThat(requests.pausedUntil(account.id())).isPresent();
        assertThat(requests.latest(flow)).hasValueSatisfying(r -> assertThat(r.state()).isEqualTo(PushRequest.State.APPROVED));
    }

    @Test
    void theRequestIsPushedToTheDevicesSubscriptionThroughTheOutbox() {
        Map<String, Object> subscription = AuthenticatorDevice.subscription();
        paired(subscription);
        PushRequest request = started(UUID.randomUUID().toString());

        String endpoint = (String) subscription.get("endpoint");
        assertThat(pushesTo(endpoint, 1)).containsExactly("{\"request\":\"" + request.id() + "\"}");
    }

    @Test
    void theDeviceChangesAndDropsItsSubscription() {
        paired(null);
        assertThat(devices.of(account.id())).singleElement().satisfies(d -> assertThat(d.reachable()).isFalse());
        Map<String, Object> subscription = AuthenticatorDevice.subscription();

        assertThat(phone.call("/subscription", Map.of("push", subscription)).statusCode()).isEqualTo(204);
        assertThat(devices.of(account.id())).singleElement().satisfies(d -> assertThat(d.reachable()).isTrue());
        PushRequest request = started(UUID.randomUUID().toString());
        assertThat(pushesTo((String) subscription.get("endpoint"), 1)).containsExactly("{\"request\":\"" + request.id() + "\"}");

        java.util.Map<String, Object> none = new java.util.HashMap<>();
        none.put("push", null);
        assertThat(phone.call("/subscription", none).statusCode()).isEqualTo(204);
        assertThat(devices.of(account.id())).singleElement().satisfies(d -> assertThat(d.reachable()).isFalse());
        assertThat(phone.call("/subscription", Map.of()).statusCode()).as("push missing").isEqualTo(400);
        assertThat(phone.call("/subscription", Map.of("push", "https://x")).statusCode()).as("not a subscription").isEqualTo(400);
    }

    @Test
    void malformedDeviceCallsAreRefusedNeverErrors() {
        paired(null);
        PushRequest request = started(UUID.randomUUID().toString());
        Map<String, Object> stale = phone.claims("/decide");
        stale.put("iat", Instant.now().getEpochSecond() - 300);
        stale.put("request", request.id());
        stale.put("decision", "deny");
        Map<String, Object> otherUrl = phone.claims("/pending");
        String[] parts = phone.message("/pending", Map.of()).split("\\.");

        assertThat(phone.post("/decide", phone.signed(stale)).statusCode()).as("stale iat").isEqualTo(401);
        assertThat(phone.post("/decide", phone.signed(otherUrl)).statusCode()).as("htu of another operation").isEqualTo(400);
        assertThat(phone.post("/pending", parts[0] + "." + parts[1] + "." + parts[2].substring(0, 20) + "AAAA")
                .statusCode()).as("bad signature").isEqualTo(401);
        assertThat(phone.post("/pending", "not a jws").statusCode()).isEqualTo(400);
        assertThat(phone.post("/pending", PairingADeviceTest.b64("{\"alg\":\"ES256\",\"typ\":\"portvakt-device+jwt\",\"kid\":\"nobody\"}")
                + "." + parts[1] + "." + parts[2]).statusCode()).as("unknown kid").isEqualTo(401);
        assertThat(phone.post("/pending", PairingADeviceTest.b64("{\"alg\":\"ES256\",\"typ\":\"portvakt-device+jwt\",\"kid\":\"../x\"}")
                + "." + parts[1] + "." + parts[2]).statusCode()).as("kid not an id").isEqualTo(400);
        assertThat(phone.post("/pending", PairingADeviceTest.b64("{\"alg\":\"ES256\",\"typ\":\"portvakt-pair+jwt\",\"kid\":\"" + phone.id() + "\"}")
                + "." + parts[1] + "." + parts[2]).statusCode()).as("pairing typ").isEqualTo(400);
        assertThat(phone.post("/decide", "application/jose", new byte[64 * 1024]).statusCode()).as("oversize").isEqualTo(400);
        for (Map<String, Object> fields : List.<Map<String, Object>>of(
                Map.of("request", request.id()),
                Map.of("request", request.id(), "decision", "maybe"),
                Map.of("request", request.id(), "decision", "approve"),
                Map.of("request", request.id(), "decision", "approve", "number", "42"),
                Map.of("request", request.id(), "decision", "approve", "number", 42.5),
                Map.of("request", 7, "decision", "deny"),
                Map.of("request", "unknown", "decision", "deny"))) {
            HttpResponse<String> answer = phone.call("/decide", fields);
            assertThat(answer.statusCode()).as(fields + ": " + answer.body()).isEqualTo(400);
        }
        assertThat(phone.call("/report", Map.of()).statusCode()).isEqualTo(400);
        assertThat(outcome(decide(request, "approve", request.number()))).as("the request is still there").isEqualTo("approved");
    }

    @Test
    void turningTwoFactorOffOrDeletingTheAccountLeavesNothingBehind() {
        paired(null);
        String flow = UUID.randomUUID().toString();
        outcome(decide(started(flow), "deny", null));
        requests.start(account.id(), UUID.randomUUID().toString(), "Test web app", "192.0.2.7");
        pairings.issue(account.id(), flow);
        requests.cancel(flow);
        assertThat(rowsOf(account.id())).isPositive();

        assertThat(devices.removeAll(account.id())).isEqualTo(1);

        assertThat(rowsOf(account.id())).isZero();
        assertThat(phone.call("/pending", Map.of()).statusCode()).isEqualTo(401);

        paired(null);
        PushRequest reported = started(UUID.randomUUID().toString());
        assertThat(outcome(phone.call("/report", Map.of("request", reported.id())))).isEqualTo("reported");
        assertThat(phone.call("/pending", Map.of()).statusCode()).isEqualTo(200);
        assertThat(rowsOf(account.id())).isGreaterThanOrEqualTo(4);
        jdbc.sql("DELETE FROM account WHERE id = :id").param("id", account.id()).update();
        assertThat(rowsOf(account.id())).isZero();
    }

    /** The rows push keeps for the account, in every table of V13. */
    int rowsOf(String accountId) {
        return jdbc.sql("""
                SELECT (SELECT COUNT(*) FROM authenticator_device WHERE account_id = :a)
                     + (SELECT COUNT(*) FROM authenticator_pairing WHERE account_id = :a)
                     + (SELECT COUNT(*) FROM push_request WHERE account_id = :a)
                     + (SELECT COUNT(*) FROM push_pause WHERE account_id = :a)
                     + (SELECT COUNT(*) FROM authenticator_message m JOIN authenticator_device d ON d.id = m.device_id
                        WHERE d.account_id = :a)
                     + (SELECT COUNT(*) FROM authenticator_message m WHERE NOT EXISTS
                        (SELECT 1 FROM authenticator_device d WHERE d.id = m.device_id))
                """).param("a", accountId).query(Integer.class).single();
    }

    List<String> pushesTo(String endpoint, int expected) {
        Instant until = Instant.now().plusSeconds(5);
        List<String> pushes = List.of();
        while (Instant.now().isBefore(until) && pushes.size() < expected) {
            pushes = jdbc.sql("SELECT text_body FROM dev_outbox WHERE channel = 'push' AND recipient = :to ORDER BY id")
                    .param("to", endpoint).query(String.class).list();
            sleep();
        }
        return pushes;
    }

    List<String> audit(String type, String outcome) {
        return jdbc.sql("SELECT detail FROM audit_event WHERE event_type = :t AND outcome = :o ORDER BY id")
                .param("t", type).param("o", outcome).query(String.class).list();
    }

    static void sleep() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
