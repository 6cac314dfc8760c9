package se.portvakt.factor.push;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import se.portvakt.account.Account;
import se.portvakt.account.AccountStore;
import se.portvakt.config.PortvaktProperties;
import se.portvakt.factor.Sha256;
import se.portvakt.testing.AuthenticatorDevice;
import se.portvakt.testing.HttpAgent;
import se.portvakt.testing.OnH2;
import se.portvakt.testing.OnPostgres;
import se.portvakt.testing.Race;
import se.portvakt.testing.TestPeople;
import se.portvakt.testing.TwoFactorPerson;

/**
 * Journey step 4a with Portvakt Authenticator: the signed-in person's browser shows a pairing code, the app on the
 * phone sends it signed with a key it made (decision 0019), and the device is paired with that account, once.
 * A code that does not work gets one answer, whatever the reason, and an address that keeps guessing is slowed.
 */
abstract class PairingADeviceTest {

    @OnH2
    static class OnEmbeddedDatabase extends PairingADeviceTest {}

    @OnPostgres
    static class OnPostgreSql extends PairingADeviceTest {}

    @Autowired
    Pairings pairings;

    @Autowired
    Devices devices;

    @Autowired
    AccountStore accounts;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    PortvaktProperties settings;

    /** A person of this test alone: a device paired to a shared account would send every other test to push. */
    private Account person;

    Account person() {
        if (person == null) {
            person = TestPeople.account(accounts, "pairing", null);
        }
        return person;
    }

    String accountId() {
        return person().id();
    }

    @Test
    void theCodeShownInTheBrowserPairsTheDeviceWithThatAccount() {
        String flow = UUID.randomUUID().toString();
        PairingCode code = pairings.issue(accountId(), flow);
        assertThat(code.code()).hasSize(12).matches("[A-HJ-NP-Z2-9]{12}");
        assertThat(code.displayed()).matches("[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}");
        assertThat(code.link(settings.issuer())).isEqualTo(settings.issuer() + "/authenticator/#pair=" + code.code());
        assertThat(code.expiresAt()).isBetween(Instant.now().plusSeconds(100), Instant.now().plusSeconds(121));
        assertThat(pairings.pairedBy(flow)).isEmpty();

        AuthenticatorDevice phone = new AuthenticatorDevice(settings.issuer());
        // Typed by hand: lower case, with the dashes and a space.
        HttpResponse<String> answer = phone.pair(code.displayed().toLowerCase() + " ", null);

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(201);
        assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        assertThat(answer.headers().firstValue("Set-Cookie")).as("no session").isEmpty();
        var json = AuthenticatorDevice.json(answer);
        assertThat(json.get("email").asString()).isEqualTo(person().email().value());
        assertThat(json.get("issuer").asString()).isEqualTo(settings.issuer());
        assertThat(pairings.pairedBy(flow)).hasValueSatisfying(device -> {
            assertThat(device.id()).isEqualTo(phone.id());
            assertThat(device.accountId()).isEqualTo(accountId());
            assertThat(device.name()).isEqualTo("Test phone");
            assertThat(device.reachable()).isFalse();
        });
        assertThat(devices.of(accountId())).extracting(Device::id).contains(phone.id());
        assertThat(devices.any(accountId())).isTrue();
        assertThat(jdbc.sql("SELECT COUNT(*) FROM authenticator_pairing WHERE code_hash = :h AND device_id = :d")
                .param("h", Sha256.hex(code.code())).param("d", phone.id()).query(Integer.class).single())
                .as("only the code's hash is stored").isEqualTo(1);
        assertThat(new TwoFactorPerson(jdbc).mailSubjectsTo(person().email().value(), "A new device can approve your sign-ins"))
                .contains("A new device can approve your sign-ins");
        assertThat(audit("authenticator.pair", "success")).anySatisfy(d -> assertThat(d).contains(phone.id()));
    }

    @Test
    void aCodeThatDoesNotWorkGetsOneAnswerWhateverTheReason() {
        String flow = UUID.randomUUID().toString();
        PairingCode used = pairings.issue(accountId(), flow);
        assertThat(new AuthenticatorDevice(settings.issuer()).pair(used.code(), null).statusCode()).isEqualTo(201);
        PairingCode expired = pairings.issue(accountId(), UUID.randomUUID().toString());
        jdbc.sql("UPDATE authenticator_pairing SET expires_at = :past WHERE code_hash = :h")
                .param("past", Rows.utc(Instant.now().minusSeconds(1))).param("h", Sha256.hex(expired.code())).update();
        String voidedFlow = UUID.randomUUID().toString();
        PairingCode voided = pairings.issue(accountId(), voidedFlow);
        PairingCode newer = pairings.issue(accountId(), voidedFlow);

        for (String code : List.of(used.code(), expired.code(), voided.code(), PairingCode.random(), "not a code")) {
            HttpResponse<String> answer = new AuthenticatorDevice(settings.issuer()).pair(code, null);
            assertThat(answer.statusCode()).as(code).isEqualTo(400);
            assertThat(AuthenticatorDevice.json(answer).get("error").asString()).as(code).isEqualTo("invalid_code");
        }
        assertThat(new AuthenticatorDevice(settings.issuer()).pair(newer.code(), null).statusCode())
                .as("the newer code of the flow works").isEqualTo(201);
        assertThat(audit("authenticator.pair", "failure")).anySatisfy(d -> assertThat(d).startsWith("invalid_code"));
    }

    @Test
    void malformedAndForgedPairingMessagesAreBadRequestsNeverErrors() {
        PairingCode code = pairings.issue(accountId(), UUID.randomUUID().toString());
        AuthenticatorDevice phone = new AuthenticatorDevice(settings.issuer());
        AuthenticatorDevice other = new AuthenticatorDevice(settings.issuer());
        Map<String, Object> good = phone.claims("/pair");
        good.put("code", code.code());
        good.put("name", "Test phone");

        Map<String, String> bodies = new LinkedHashMap<>();
        bodies.put("wrong htu", phone.pairingMessage(with(good, "htu", settings.issuer() + "/authenticator/api/decide")));
        bodies.put("htu of another server", phone.pairingMessage(with(good, "htu", "https://evil.example/authenticator/api/pair")));
        bodies.put("stale iat", phone.pairingMessage(with(good, "iat", Instant.now().getEpochSecond() - 300)));
        // Well past the 120 s either way: building and sending the others takes a while on a busy machine.
        bodies.put("future iat", phone.pairingMessage(with(good, "iat", Instant.now().getEpochSecond() + 300)));
        bodies.put("iat as text", phone.pairingMessage(with(good, "iat", String.valueOf(Instant.now().getEpochSecond()))));
        bodies.put("no jti", phone.pairingMessage(with(good, "jti", null)));
        bodies.put("no name", phone.pairingMessage(with(good, "name", null)));
        bodies.put("code as number", phone.pairingMessage(with(good, "code", 42)));
        bodies.put("push not a subscription", phone.pairingMessage(with(good, "push", Map.of("endpoint", "http://x"))));
        bodies.put("push a string", phone.pairingMessage(with(good, "push", "https://push.example.test/x")));
        // Signed by another key than the one in the header.
        bodies.put("bad signature", AuthenticatorDevice.sign(new JWSHeader.Builder(JWSAlgorithm.ES256)
                .type(new JOSEObjectType(AuthenticatorDevice.PAIR_TYPE)).jwk(phone.key().toPublicJWK()).build(), good, other.key()));
        bodies.put("wrong typ", AuthenticatorDevice.sign(new JWSHeader.Builder(JWSAlgorithm.ES256)
                .type(new JOSEObjectType(AuthenticatorDevice.DEVICE_TYPE)).jwk(phone.key().toPublicJWK()).build(), good, phone.key()));
        bodies.put("no key", AuthenticatorDevice.sign(new JWSHeader.Builder(JWSAlgorithm.ES256)
                .type(new JOSEObjectType(AuthenticatorDevice.PAIR_TYPE)).build(), good, phone.key()));
        String signed = phone.pairingMessage(good);
        String[] parts = signed.split("\\.");
        bodies.put("payload changed", parts[0] + "." + b64("{\"code\":\"" + code.code() + "\"}") + "." + parts[2]);
        bodies.put("alg none", b64("{\"alg\":\"none\",\"typ\":\"portvakt-pair+jwt\"}") + "." + parts[1] + ".");
        bodies.put("alg HS256", b64("{\"alg\":\"HS256\",\"typ\":\"portvakt-pair+jwt\"}") + "." + parts[1] + "." + parts[2]);
        bodies.put("garbage JSON payload", parts[0] + "." + b64("{\"code\":") + "." + parts[2]);
        bodies.put("array payload", parts[0] + "." + b64("[1,2]") + "." + parts[2]);
        bodies.put("garbage header", b64("{{{") + "." + parts[1] + "." + parts[2]);
        bodies.put("not a JWS", "hello");
        bodies.put("empty", "");
        bodies.put("JSON", "{\"code\":\"" + code.code() + "\"}");
        bodies.put("oversize", signed + ".".repeat(17 * 1024));

        bodies.forEach((what, body) -> {
            HttpResponse<String> answer = phone.post("/pair", body);
            assertThat(answer.statusCode()).as(what + ": " + answer.body()).isEqualTo(400);
            assertThat(AuthenticatorDevice.json(answer).get("error").asString()).as(what).isEqualTo("invalid_request");
        });
        HttpResponse<String> form = phone.post("/pair", "application/x-www-form-urlencoded", signed.getBytes(StandardCharsets.US_ASCII));
        assertThat(form.statusCode()).as("not application/jose").isEqualTo(400);
        // The server answers 400 without reading all 5 MiB and closes the connection; when the close (a TCP reset,
        // with the body still arriving) overtakes its answer, the client sees the connection end instead. Either is a
        // refusal; what must never come is an answer other than 400.
        try {
            HttpResponse<String> huge = phone.post("/pair", "application/jose", new byte[5 * 1024 * 1024]);
            assertThat(huge.statusCode()).as("5 MiB").isEqualTo(400);
        } catch (AssertionError connectionEnded) {
            assertThat(connectionEnded).hasMessageStartingWith("request to ").hasCauseInstanceOf(IOException.class);
        }

        HttpResponse<String> get = new HttpAgent(settings.issuer()).get("/authenticator/api/pair");
        assertThat(get.statusCode()).as("GET").isEqualTo(405);
        assertThat(get.headers().firstValue("Set-Cookie")).isEmpty();

        assertThat(phone.post("/pair", signed).statusCode()).as("the code still works after all that").isEqualTo(201);
    }

    @Test
    void ofTwentyDevicesRacingOneCodeExactlyOnePairs() throws Exception {
        String flow = UUID.randomUUID().toString();
        PairingCode code = pairings.issue(accountId(), flow);
        List<AuthenticatorDevice> phones = new ArrayList<>();
        List<String> messages = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            AuthenticatorDevice phone = new AuthenticatorDevice(settings.issuer());
            Map<String, Object> claims = phone.claims("/pair");
            claims.put("code", code.code());
            claims.put("name", "Racer " + i);
            phones.add(phone);
            messages.add(phone.pairingMessage(claims));
        }
        AtomicInteger next = new AtomicInteger();

        List<HttpResponse<String>> answers = Race.run(20, () -> {
            int i = next.getAndIncrement();
            return phones.get(i).post("/pair", messages.get(i));
        });

        assertThat(answers).filteredOn(a -> a.statusCode() == 201).hasSize(1);
        assertThat(answers).filteredOn(a -> a.statusCode() != 201)
                .allSatisfy(a -> assertThat(a.body()).contains("invalid_code")).hasSize(19);
        String winner = AuthenticatorDevice.json(answers.stream().filter(a -> a.statusCode() == 201).findFirst().orElseThrow())
                .get("device").asString();
        assertThat(pairings.pairedBy(flow)).hasValueSatisfying(d -> assertThat(d.id()).isEqualTo(winner));
        assertThat(jdbc.sql("SELECT COUNT(*) FROM authenticator_device WHERE name LIKE 'Racer %' AND account_id = :a")
                .param("a", accountId()).query(Integer.class).single()).isEqualTo(1);
    }

    @Test
    void anAddressThatKeepsSendingWrongCodesIsSlowedDown() {
        String address = TestPeople.uniqueAddress();
        int limit = settings.authenticator().failedPairingsPerAddress();
        for (int i = 0; i < limit; i++) {
            HttpResponse<String> answer = new AuthenticatorDevice(settings.issuer()).from(address).pair(PairingCode.random(), null);
            assertThat(answer.body()).as("guess %d", i + 1).contains("invalid_code");
        }
        PairingCode right = pairings.issue(accountId(), UUID.randomUUID().toString());

        HttpResponse<String> slowed = new AuthenticatorDevice(settings.issuer()).from(address).pair(right.code(), null);

        assertThat(slowed.statusCode()).isEqualTo(429);
        assertThat(AuthenticatorDevice.json(slowed).get("error").asString()).isEqualTo("slow_down");
        assertThat(audit("authenticator.pair", "limited")).isNotEmpty();
        assertThat(new AuthenticatorDevice(settings.issuer()).pair(right.code(), null).statusCode())
                .as("from another address the right code still works").isEqualTo(201);
    }

    @Test
    void aDeviceCanPairWithAPushSubscription() {
        String flow = UUID.randomUUID().toString();
        PairingCode code = pairings.issue(accountId(), flow);
        assertThat(new AuthenticatorDevice(settings.issuer()).pair(code.code(), AuthenticatorDevice.subscription()).statusCode())
                .isEqualTo(201);
        assertThat(pairings.pairedBy(flow)).hasValueSatisfying(d -> assertThat(d.reachable()).isTrue());
    }

    List<String> audit(String type, String outcome) {
        return jdbc.sql("SELECT detail FROM audit_event WHERE event_type = :t AND outcome = :o ORDER BY id")
                .param("t", type).param("o", outcome).query(String.class).list();
    }

    static Map<String, Object> with(Map<String, Object> claims, String name, Object value) {
        Map<String, Object> changed = new LinkedHashMap<>(claims);
        if (value == null) {
            changed.remove(name);
        } else {
            changed.put(name, value);
        }
        return changed;
    }

    static String b64(String text) {
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
