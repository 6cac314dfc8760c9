package se.portvakt.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

import se.portvakt.testing.HttpAgent;
import se.portvakt.testing.OidcClient;
import se.portvakt.testing.Race;
import se.portvakt.testing.TestDatabase;
import se.portvakt.testing.TestServer;

/**
 * A new database's first signing keys are made after the server is ready, or by the first request that needs one
 * (decision 0063): requests that arrive at once, together with the thread started at ready, all get the same one
 * key of each algorithm, and the database holds exactly those two.
 */
abstract class FirstSigningKeysTest {

    static class OnEmbeddedDatabase extends FirstSigningKeysTest {
        OnEmbeddedDatabase() {
            super(new TestDatabase.H2());
        }
    }

    static class OnPostgreSql extends FirstSigningKeysTest {
        OnPostgreSql() {
            super(new TestDatabase.Postgres());
        }
    }

    private final TestDatabase database;
    private final String name = TestDatabase.newName();

    FirstSigningKeysTest(TestDatabase database) {
        this.database = database;
    }

    @AfterEach
    void dropDatabase() {
        database.drop(name);
    }

    @Test
    void requestsAtOnceOnANewDatabaseAllGetTheSameTwoKeys() throws Exception {
        try (TestServer server = TestServer.start(database, name)) {
            List<HttpResponse<String>> answers = Race.send(16, () -> new HttpAgent(server.loopback()).get("/oauth2/jwks"));

            List<String> first = kids(answers.get(0));
            assertThat(first).hasSize(2);
            assertThat(answers).allSatisfy(answer -> assertThat(kids(answer)).containsExactlyInAnyOrderElementsOf(first));
            assertThat(server.bean(JdbcClient.class).sql("SELECT kid FROM signing_key").query(String.class).list())
                    .containsExactlyInAnyOrderElementsOf(first);
        }
    }

    private static List<String> kids(HttpResponse<String> response) {
        assertThat(response.statusCode()).isEqualTo(200);
        List<String> kids = new ArrayList<>();
        OidcClient.json(response).get("keys").forEach(key -> kids.add(key.get("kid").asString()));
        return kids;
    }
}
