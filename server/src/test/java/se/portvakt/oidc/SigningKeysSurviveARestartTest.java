package se.portvakt.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import se.portvakt.testing.HttpAgent;
import se.portvakt.testing.OidcClient;
import se.portvakt.testing.TestDatabase;
import se.portvakt.testing.TestServer;

/**
 * The operator restarts Portvakt: the server that comes up on the same database publishes the same signing keys,
 * so tokens signed before the restart still verify, and tokens it stored are still known.
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
        try (TestServer before = TestServer.start(database, name)) {
            kidsBefore = kids(before);
            accessToken = OidcClient.json(machine(before).post("/oauth2/token",
                    OidcClient.form("grant_type", "client_credentials", "scope", "hr.read"))).get("access_token").asString();
        }
        assertThat(kidsBefore).hasSize(2);

        try (TestServer after = TestServer.start(database, name)) {
            assertThat(kids(after)).containsExactlyInAnyOrderElementsOf(kidsBefore);

            SignedJWT token = SignedJWT.parse(accessToken);
            JWK key = JWKSet.parse(new HttpAgent(after.issuer()).get("/oauth2/jwks").body())
                    .getKeyByKeyId(token.getHeader().getKeyID());
            assertThat(key).isNotNull();
            assertThat(token.verify(new RSASSAVerifier((RSAKey) key))).isTrue();

            JsonNode introspection = OidcClient.json(machine(after).post("/oauth2/introspect", OidcClient.form("token", accessToken)));
            assertThat(introspection.get("active").asBoolean()).isTrue();
        }
    }

    private static List<String> kids(TestServer server) {
        HttpResponse<String> response = new HttpAgent(server.issuer()).get("/oauth2/jwks");
        assertThat(response.statusCode()).isEqualTo(200);
        List<String> kids = new ArrayList<>();
        OidcClient.json(response).get("keys").forEach(key -> kids.add(key.get("kid").asString()));
        return kids;
    }

    private static HttpAgent machine(TestServer server) {
        return new HttpAgent(server.issuer()).header("Authorization", OidcClient.basic("test-machine", "test-machine-secret"));
    }
}
