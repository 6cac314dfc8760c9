package se.portvakt.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

import se.portvakt.testing.HttpAgent;
import se.portvakt.testing.OidcClient;
import se.portvakt.testing.TestDatabase;
import se.portvakt.testing.TestServer;

/**
 * The operator restarts Portvakt: the server that comes up on the same database publishes the same signing keys,
 * so tokens signed before the restart still verify, and tokens it stored are still known; keys that an older
 * version stored in plain are encrypted at the first start of this one.
 */
abstract class SigningKeysSurviveARestartTest {

    static class OnEmbeddedDatabase extends SigningKeysSurviveARestartTest {
        OnEmbeddedDatabase() {
            super(new TestDatabase.H2());
        }
    }

    static class OnPostgreSql extends SigningKeysSurviveARestartTest {
        OnPostgreSql() {
            super(new TestDatabase.Postgres());
        }
    }

    private final TestDatabase database;
    private final String name = TestDatabase.newName();

    SigningKeysSurviveARestartTest(TestDatabase database) {
        this.database = database;
    }

    @AfterEach
    void dropDatabase() {
        database.drop(name);
    }

    @Test
    void theRestartedServerPublishesTheSameKeysAndKnowsEarlierTokens() throws Exception {
        List<String> kidsBefore;
        String accessToken;
        String issuer;
        try (TestServer before = TestServer.start(database, name)) {
            issuer = before.issuer();
            kidsBefore = kids(before);
            accessToken = OidcClient.json(machine(before).post("/oauth2/token",
                    OidcClient.form("grant_type", "client_credentials", "scope", "hr.read"))).get("access_token").asString();
        }
        assertThat(kidsBefore).hasSize(2);

        // The same issuer after the restart, as in production (the test server's port, and so its URL, changes):
        // a client-credentials token is introspected from itself, its issuer included (decision 0054).
        try (TestServer after = TestServer.start(database, name, Map.of("portvakt.issuer", issuer))) {
            assertThat(kids(after)).containsExactlyInAnyOrderElementsOf(kidsBefore);

            SignedJWT token = SignedJWT.parse(accessToken);
            JWK key = JWKSet.parse(new HttpAgent(after.loopback()).get("/oauth2/jwks").body())
                    .getKeyByKeyId(token.getHeader().getKeyID());
            assertThat(key).isNotNull();
            assertThat(token.verify(new RSASSAVerifier((RSAKey) key))).isTrue();

            JsonNode introspection = OidcClient.json(machine(after).post("/oauth2/introspect", OidcClient.form("token", accessToken)));
            assertThat(introspection.get("active").asBoolean()).isTrue();
        }
    }

    /**
     * A version before encryption at rest stored keys as plain JWK JSON. The first start of this version
     * encrypts them in place, publishes and signs with the same keys, and tokens signed before still verify.
     */
    @Test
    void keysStoredInPlainByAnOlderVersionAreEncryptedAtStartAndStillSign() throws Exception {
        RSAKey older = new RSAKeyGenerator(2048).keyID("older-version-key").algorithm(JWSAlgorithm.RS256)
                .keyUse(KeyUse.SIGNATURE).generate();
        SignedJWT signedBefore = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(older.getKeyID()).build(),
                new JWTClaimsSet.Builder().subject("signed by the older version").build());
        signedBefore.sign(new RSASSASigner(older));
        OffsetDateTime createdAt;
        try (TestServer before = TestServer.start(database, name)) {
            // A second after the key this start made (taken once it has started: on a busy machine a start takes
            // longer than that second), so that it is the newest RS256 key, signing from then on.
            createdAt = OffsetDateTime.now(ZoneOffset.UTC).plusSeconds(1);
            // As the older version wrote it: the newest RS256 key, in plain JSON with its private part.
            before.bean(JdbcClient.class).sql("""
                    INSERT INTO signing_key (kid, algorithm, jwk, created_at, active)
                    VALUES (:kid, 'RS256', :jwk, :at, TRUE)
                    """)
                    .param("kid", older.getKeyID())
                    .param("jwk", older.toJSONString())
                    .param("at", createdAt)
                    .update();
        }
        // A key signs from its creation (decision 0041): a restart quicker than that second would rightly not use it yet.
        Thread.sleep(Math.max(0, Duration.between(OffsetDateTime.now(ZoneOffset.UTC), createdAt).toMillis() + 50));

        try (TestServer after = TestServer.start(database, name)) {
            String stored = after.bean(JdbcClient.class).sql("SELECT jwk FROM signing_key WHERE kid = :kid")
                    .param("kid", older.getKeyID()).query(String.class).single();
            assertThat(stored).startsWith("v1:").doesNotContain("\"d\"");
            assertThat(after.bean(JdbcClient.class).sql("SELECT jwk FROM signing_key").query(String.class).list())
                    .allSatisfy(jwk -> assertThat(jwk).startsWith("v1:"));

            JWK published = JWKSet.parse(new HttpAgent(after.issuer()).get("/oauth2/jwks").body())
                    .getKeyByKeyId(older.getKeyID());
            assertThat(published).isNotNull();
            assertThat(published.isPrivate()).isFalse();
            assertThat(SignedJWT.parse(signedBefore.serialize()).verify(new RSASSAVerifier((RSAKey) published))).isTrue();
            String accessToken = OidcClient.json(machine(after).post("/oauth2/token",
                    OidcClient.form("grant_type", "client_credentials", "scope", "hr.read"))).get("access_token").asString();
            SignedJWT signedAfter = SignedJWT.parse(accessToken);
            assertThat(signedAfter.getHeader().getKeyID()).as("the migrated key still signs").isEqualTo(older.getKeyID());
            assertThat(signedAfter.verify(new RSASSAVerifier((RSAKey) published))).isTrue();
        }
    }

    private static List<String> kids(TestServer server) {
        HttpResponse<String> response = new HttpAgent(server.loopback()).get("/oauth2/jwks");
        assertThat(response.statusCode()).isEqualTo(200);
        List<String> kids = new ArrayList<>();
        OidcClient.json(response).get("keys").forEach(key -> kids.add(key.get("kid").asString()));
        return kids;
    }

    private static HttpAgent machine(TestServer server) {
        return new HttpAgent(server.loopback()).header("Authorization", OidcClient.basic("test-machine", "test-machine-secret"));
    }
}
