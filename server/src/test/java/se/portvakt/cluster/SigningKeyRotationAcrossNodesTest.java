package se.portvakt.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import tools.jackson.databind.JsonNode;

import se.portvakt.testing.HttpAgent;
import se.portvakt.testing.OidcClient;
import se.portvakt.testing.Race;
import se.portvakt.testing.TestPeople;
import se.portvakt.testing.TwoNodes;

/**
 * The operator rotates the RS256 signing key on one node of two (issue 14, decision 0041), with the times of a
 * rotation shortened to seconds: the other node publishes the new key before any node signs with it, both nodes sign
 * with the old key until the overlap ends and with the new one after it, a token signed before the rotation verifies
 * against either node's JWK Set until the old key retires, and then the old key leaves both. Only the operator's
 * addresses may rotate or list.
 */
class SigningKeyRotationAcrossNodesTest {

    private static final Duration OVERLAP = Duration.ofSeconds(10);
    private static final Duration RETIRE_AFTER = Duration.ofSeconds(10);

    private static final Map<String, String> SECONDS = Map.of(
            "portvakt.signing-keys.overlap", OVERLAP.toSeconds() + "s",
            "portvakt.signing-keys.reload-every", "1s",
            "portvakt.signing-keys.retire-after", RETIRE_AFTER.toSeconds() + "s",
            "portvakt.tokens.access-token-ttl", "4s");

    @Test
    void aNewKeyIsPublishedOnEveryNodeBeforeItSignsAndTheOldOneVerifiesUntilItRetires() throws Exception {
        try (TwoNodes cluster = TwoNodes.start(SECONDS)) {
            String a = cluster.nodes()[0];
            String b = cluster.nodes()[1];
            JdbcClient jdbc = cluster.a().bean(JdbcClient.class);
            SignedJWT beforeRotation = accessToken(a);
            String oldKid = beforeRotation.getHeader().getKeyID();
            assertThat(accessToken(b).getHeader().getKeyID()).isEqualTo(oldKid);
            String ecKid = kidOf(jwks(a), "ES256");

            // Not from elsewhere: the operator's endpoint does not exist for other addresses, on either node.
            for (String node : cluster.nodes()) {
                HttpAgent stranger = TestPeople.browser(node);
                assertThat(stranger.postRaw("/actuator/signingkeys", "application/json", json("{}")).statusCode())
                        .isEqualTo(404);
                assertThat(stranger.get("/actuator/signingkeys").statusCode()).isEqualTo(404);
            }
            assertThat(jdbc.sql("SELECT COUNT(*) FROM signing_key").query(Integer.class).single()).isEqualTo(2);
            for (String bad : List.of("{\"algorithm\":\"HS256\"}", "{\"algorithm\":\"rs256\"}", "not json")) {
                assertThat(new HttpAgent(a).postRaw("/actuator/signingkeys", "application/json", json(bad))
                        .statusCode()).as(bad).isEqualTo(400);
            }
            assertThat(jdbc.sql("SELECT COUNT(*) FROM signing_key").query(Integer.class).single()).isEqualTo(2);

            HttpResponse<String> rotate = new HttpAgent(a).postRaw("/actuator/signingkeys", "application/json",
                    json("{\"algorithm\":\"RS256\"}"));

            assertThat(rotate.statusCode()).as(rotate.body()).isEqualTo(200);
            JsonNode rotated = OidcClient.json(rotate).get("rotated").get(0);
            String newKid = rotated.get("kid").asString();
            Instant signFrom = Instant.parse(rotated.get("signFrom").asString());
            Instant retireAfter = Instant.parse(rotated.get("retireAfter").asString());
            assertThat(newKid).isNotEqualTo(oldKid);
            assertThat(rotated.get("replaced").get(0).asString()).isEqualTo(oldKid);
            assertThat(Duration.between(signFrom, retireAfter)).isEqualTo(RETIRE_AFTER);
            assertThat(jdbc.sql("SELECT outcome, address FROM audit_event WHERE event_type = 'signing-key.rotate'")
                    .query((rs, row) -> rs.getString(1) + " from " + rs.getString(2)).list())
                    .singleElement().asString().startsWith("by-operator from ");

            // One rotation at a time, across nodes: node b refuses a second while the new key waits.
            HttpResponse<String> again = new HttpAgent(b).postRaw("/actuator/signingkeys", "application/json",
                    json("{\"algorithm\":\"RS256\"}"));
            assertThat(again.statusCode()).as(again.body()).isEqualTo(409);
            assertThat(again.body()).contains(newKid);

            // Node b publishes the new key before it signs anything; meanwhile both nodes sign with the old key.
            Instant seenOnB = await(() -> jwks(b), keys -> keys.getKeyByKeyId(newKid) != null, signFrom.plusSeconds(5));
            assertThat(seenOnB).as("node b published the new key before it signed").isBefore(signFrom);
            assertThat(jwks(a).getKeyByKeyId(newKid)).isNotNull();
            List<String> duringOverlap = new ArrayList<>();
            SignedJWT lastOfTheOldKey = null;
            for (String node : List.of(a, b, a, b)) {
                SignedJWT token = accessToken(node);
                if (Instant.now().isBefore(signFrom)) {
                    duringOverlap.add(token.getHeader().getKeyID());
                    lastOfTheOldKey = token;
                }
            }
            assertThat(duringOverlap).as("tokens signed during the overlap, a's and b's").hasSizeGreaterThanOrEqualTo(2)
                    .containsOnly(oldKid);
            assertThat(states(b)).containsEntry(oldKid, "signing").containsEntry(newKid, "waiting");

            // After the overlap the token from before still verifies on both nodes, and both sign with the new key.
            sleepUntil(signFrom.plusMillis(200));
            assertThat(verifies(beforeRotation, jwks(a))).as("the old token on a").isTrue();
            assertThat(verifies(beforeRotation, jwks(b))).as("the old token on b").isTrue();
            // The server's own decoder (the userinfo endpoint's) still takes a token of the old key, on both nodes.
            for (var node : List.of(cluster.a(), cluster.b())) {
                assertThat(node.bean(JwtDecoder.class).decode(lastOfTheOldKey.serialize()).getSubject())
                        .isEqualTo("test-machine");
            }
            assertThat(beforeRotation.getJWTClaimsSet().getExpirationTime().toInstant())
                    .as("the old key outlives the tokens it signed").isBefore(retireAfter);
            for (String node : List.of(a, b)) {
                SignedJWT token = accessToken(node);
                assertThat(token.getHeader().getKeyID()).as(node).isEqualTo(newKid);
                assertThat(verifies(token, jwks(a))).isTrue();
                assertThat(verifies(token, jwks(b))).isTrue();
            }
            assertThat(states(a)).containsEntry(oldKid, "retiring").containsEntry(newKid, "signing");

            // Then the old key leaves the JWK Set of both nodes; the new key and the ES256 key stay.
            sleepUntil(retireAfter.plusMillis(200));
            for (String node : List.of(a, b)) {
                JWKSet published = jwks(node);
                assertThat(published.getKeyByKeyId(oldKid)).as(node).isNull();
                assertThat(published.getKeyByKeyId(newKid)).as(node).isNotNull();
                assertThat(published.getKeyByKeyId(ecKid)).as(node).isNotNull();
                assertThat(verifies(beforeRotation, published)).isFalse();
                assertThat(states(node)).containsEntry(oldKid, "retired").containsEntry(newKid, "signing")
                        .containsEntry(ecKid, "signing");
            }
        }
    }

    /**
     * Twenty operator rotations of the ES256 key at once, ten on each node, make one new key; the rest are told a
     * rotation is under way. With {@code rotate-every}, both nodes find the RS256 key due and rotate it once between
     * them, while the ES256 rotation under way is left alone.
     */
    @Test
    void oneRotationAtATimeAcrossNodesByTheOperatorOrWhenAKeyIsDue() throws Exception {
        Map<String, String> settings = new HashMap<>(SECONDS);
        settings.put("portvakt.signing-keys.rotate-every", "1h");
        try (TwoNodes cluster = TwoNodes.start(settings)) {
            JdbcClient jdbc = cluster.a().bean(JdbcClient.class);
            HttpAgent operator = new HttpAgent(cluster.nodes()[0]).alternating(cluster.nodes());

            List<HttpResponse<String>> answers = Race.send(20, () -> operator.postRaw("/actuator/signingkeys",
                    "application/json", json("{\"algorithm\":\"ES256\"}")));

            assertThat(operator.served()).as("both nodes took rotations").hasSize(20).contains(cluster.nodes());
            assertThat(answers).filteredOn(answer -> answer.statusCode() == 200).hasSize(1);
            assertThat(answers).filteredOn(answer -> answer.statusCode() == 409).hasSize(19);
            assertThat(keysOf(jdbc, "ES256")).isEqualTo(2);

            // The RS256 key was made two hours ago, as every node reads it: due under rotate-every=1h.
            jdbc.sql("UPDATE signing_key SET created_at = :ago WHERE algorithm = 'RS256'")
                    .param("ago", OffsetDateTime.now(ZoneOffset.UTC).minusHours(2)).update();
            await(() -> keysOf(jdbc, "RS256"), count -> count > 1, Instant.now().plusSeconds(30));
            Thread.sleep(3000);

            assertThat(keysOf(jdbc, "RS256")).as("several reloads later on both nodes").isEqualTo(2);
            assertThat(keysOf(jdbc, "ES256")).isEqualTo(2);
            assertThat(jdbc.sql("""
                    SELECT outcome FROM audit_event WHERE event_type = 'signing-key.rotate' ORDER BY id
                    """).query(String.class).list()).containsExactly("by-operator", "scheduled");
        }
    }

    private static int keysOf(JdbcClient jdbc, String algorithm) {
        return jdbc.sql("SELECT COUNT(*) FROM signing_key WHERE algorithm = :alg").param("alg", algorithm)
                .query(Integer.class).single();
    }

    private static SignedJWT accessToken(String node) throws Exception {
        HttpResponse<String> response = new HttpAgent(node)
                .header("Authorization", OidcClient.basic("test-machine", "test-machine-secret"))
                .post("/oauth2/token", OidcClient.form("grant_type", "client_credentials", "scope", "hr.read"));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return SignedJWT.parse(OidcClient.json(response).get("access_token").asString());
    }

    private static JWKSet jwks(String node) {
        try {
            HttpResponse<String> response = new HttpAgent(node).get("/oauth2/jwks");
            assertThat(response.statusCode()).isEqualTo(200);
            // Decision 0041 sizes the overlap for applications that cache the JWK Set all the same.
            assertThat(response.headers().firstValue("Cache-Control")).hasValueSatisfying(
                    value -> assertThat(value).contains("no-store"));
            JWKSet keys = JWKSet.parse(response.body());
            assertThat(keys.getKeys()).allSatisfy(key -> assertThat(key.isPrivate()).isFalse());
            return keys;
        } catch (java.text.ParseException e) {
            throw new AssertionError(e);
        }
    }

    private static String kidOf(JWKSet keys, String algorithm) {
        return keys.getKeys().stream().filter(key -> key.getAlgorithm().getName().equals(algorithm))
                .map(JWK::getKeyID).findFirst().orElseThrow();
    }

    private static boolean verifies(SignedJWT token, JWKSet keys) throws Exception {
        JWK key = keys.getKeyByKeyId(token.getHeader().getKeyID());
        return key != null && SignedJWT.parse(token.serialize()).verify(new RSASSAVerifier((RSAKey) key));
    }

    /** The operator's listing: key id to state; never a private part. */
    private static Map<String, String> states(String node) {
        HttpResponse<String> response = new HttpAgent(node).get("/actuator/signingkeys");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.body()).doesNotContain("\"d\"").doesNotContain("jwk");
        Map<String, String> states = new HashMap<>();
        OidcClient.json(response).get("keys").forEach(key -> states.put(key.get("kid").asString(),
                key.get("state").asString()));
        return states;
    }

    /** Asks until the answer satisfies the test, and returns when it first did; fails after {@code deadline}. */
    private static <T> Instant await(java.util.function.Supplier<T> ask, Predicate<T> test, Instant deadline)
            throws InterruptedException {
        while (true) {
            T answer = ask.get();
            Instant answered = Instant.now();
            if (test.test(answer)) {
                return answered;
            }
            assertThat(answered).as("still not so at the deadline").isBefore(deadline);
            Thread.sleep(100);
        }
    }

    private static void sleepUntil(Instant moment) throws InterruptedException {
        long millis = Duration.between(Instant.now(), moment).toMillis();
        if (millis > 0) {
            Thread.sleep(millis);
        }
    }

    private static byte[] json(String body) {
        return body.getBytes(StandardCharsets.UTF_8);
    }
}
