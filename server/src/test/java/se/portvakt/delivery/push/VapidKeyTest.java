package se.portvakt.delivery.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;

import com.nimbusds.jose.jwk.ECKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.json.JsonMapper;

import se.portvakt.factor.SecretCipher;
import se.portvakt.testing.HttpAgent;
import se.portvakt.testing.Race;
import se.portvakt.testing.TestDatabase;
import se.portvakt.testing.TestServer;

/**
 * Every device's push subscription is bound to the server's VAPID key, so the key must outlive a restart and be
 * the same on every node, including nodes that make it at the same moment; and it is stored sealed, like the
 * signing keys, so a copy of the database alone cannot sign for the server.
 */
abstract class VapidKeyTest {

    static class OnEmbeddedDatabase extends VapidKeyTest {
        OnEmbeddedDatabase() {
            super(new TestDatabase.H2());
        }
    }

    static class OnPostgreSql extends VapidKeyTest {
        OnPostgreSql() {
            super(new TestDatabase.Postgres());
        }
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final TestDatabase database;
    private final String name = TestDatabase.newName();

    VapidKeyTest(TestDatabase database) {
        this.database = database;
    }

    @AfterEach
    void dropDatabase() {
        database.drop(name);
    }

    @Test
    void aSecondNodeAndARestartedServerPublishTheSameKey() {
        String first;
        try (TestServer node1 = TestServer.start(database, name)) {
            first = pushKey(node1);
            try (TestServer node2 = TestServer.start(database, name)) {
                assertThat(pushKey(node2)).isEqualTo(first);
            }
        }
        try (TestServer restarted = TestServer.start(database, name)) {
            assertThat(pushKey(restarted)).isEqualTo(first);
            assertThat(restarted.bean(JdbcClient.class).sql("SELECT COUNT(*) FROM vapid_key").query(Integer.class).single())
                    .isEqualTo(1);
        }
    }

    @Test
    void nodesThatMakeTheKeyAtTheSameMomentAllEndWithOne() throws Exception {
        try (TestServer server = TestServer.start(database, name)) {
            JdbcClient jdbc = server.bean(JdbcClient.class);
            SecretCipher cipher = server.bean(SecretCipher.class);
            jdbc.sql("DELETE FROM vapid_key").update();

            List<String> keys = Race.run(20, () -> Vapid.applicationServerKey(VapidKeys.stored(jdbc, cipher)));

            assertThat(keys).hasSize(20).containsOnly(keys.get(0));
            assertThat(jdbc.sql("SELECT COUNT(*) FROM vapid_key").query(Integer.class).single()).isEqualTo(1);
            assertThat(Vapid.applicationServerKey(VapidKeys.stored(jdbc, cipher))).isEqualTo(keys.get(0));
        }
    }

    @Test
    void aNewDatabasesKeyIsMadeWhenFirstAskedForNotAtStart() {
        try (TestServer server = TestServer.start(database, name)) {
            JdbcClient jdbc = server.bean(JdbcClient.class);
            assertThat(jdbc.sql("SELECT COUNT(*) FROM vapid_key").query(Integer.class).single()).isZero();

            String published = pushKey(server);

            assertThat(jdbc.sql("SELECT COUNT(*) FROM vapid_key").query(Integer.class).single()).isEqualTo(1);
            assertThat(pushKey(server)).isEqualTo(published);
        }
    }

    @Test
    void theStoredKeyIsSealedAndBoundToItsId() {
        try (TestServer server = TestServer.start(database, name)) {
            JdbcClient jdbc = server.bean(JdbcClient.class);
            SecretCipher cipher = server.bean(SecretCipher.class);
            pushKey(server); // a new database's key is made when first asked for
            Stored row = jdbc.sql("SELECT kid, jwk FROM vapid_key").query((rs, n) -> new Stored(rs.getString("kid"),
                    rs.getString("jwk"))).single();

            assertThat(row.jwk()).startsWith("v1:").doesNotContain("\"d\"", "\"kty\"", row.kid());
            ECKey key = VapidKeys.open(cipher, row.kid(), row.jwk());
            assertThat(key.isPrivate()).isTrue();
            assertThat(Vapid.applicationServerKey(key)).isEqualTo(pushKey(server));

            // The same key sealed as a token signing key, or under another id, does not pass for the VAPID key.
            byte[] json = key.toJSONString().getBytes(StandardCharsets.UTF_8);
            assertThatThrownBy(() -> VapidKeys.open(cipher, row.kid(), cipher.encrypt(json, "signing-key:" + row.kid())))
                    .isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> VapidKeys.open(cipher, "another-id", row.jwk())).isInstanceOf(IllegalStateException.class);
        }
    }

    private record Stored(String kid, String jwk) {}

    /** The key as the web app reads it: without a session, as JSON. */
    private static String pushKey(TestServer server) {
        HttpResponse<String> response = new HttpAgent(server.issuer()).get("/authenticator/api/push-key");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type)
                .startsWith("application/json"));
        assertThat(response.headers().firstValue("Set-Cookie")).as("no session is made").isEmpty();
        return JSON.readTree(response.body()).get("applicationServerKey").asString();
    }
}
