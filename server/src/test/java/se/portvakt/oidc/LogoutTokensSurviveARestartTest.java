package se.portvakt.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

import se.portvakt.client.ClientDefinition;
import se.portvakt.client.ClientType;
import se.portvakt.client.Clients;
import se.portvakt.testing.TestDatabase;
import se.portvakt.testing.TestServer;

/**
 * A node stops before it told an application of a logout: the notice waits in the database, and the node that starts
 * next (or any other) sends it.
 */
abstract class LogoutTokensSurviveARestartTest {

    static class OnEmbeddedDatabase extends LogoutTokensSurviveARestartTest {
        OnEmbeddedDatabase() {
            super(new TestDatabase.H2());
        }
    }

    static class OnPostgreSql extends LogoutTokensSurviveARestartTest {
        OnPostgreSql() {
            super(new TestDatabase.Postgres());
        }
    }

    private final TestDatabase database;
    private final String name = TestDatabase.newName();

    LogoutTokensSurviveARestartTest(TestDatabase database) {
        this.database = database;
    }

    @AfterEach
    void dropDatabase() {
        database.drop(name);
    }

    @Test
    void aLogoutTokenNotYetSentIsSentByTheNextServer() throws Exception {
        List<String> received = new CopyOnWriteArrayList<>();
        HttpServer application = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        application.createContext("/logout", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            received.add(URLDecoder.decode(body.substring(body.indexOf('=') + 1), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        application.start();
        try {
            String uri = "http://127.0.0.1:" + application.getAddress().getPort() + "/logout";
            // The first server looks for due tokens only after an hour: it stops before it sends any.
            try (TestServer first = TestServer.start(database, name, Map.of(
                    "portvakt.backchannel-logout.poll-interval", "1h"))) {
                first.bean(Clients.class).apply(new ClientDefinition("restart-app", "Restart app", ClientType.WEB,
                        "restart-app-secret", List.of("http://localhost:8081/callback"), List.of(),
                        List.of("openid"), null, null, false, uri, true));
                first.bean(BackChannelLogout.class).enqueue(List.of(
                        new BackChannelLogout.Notice("restart-app", "account-1", "session-1", "signed-out")));
            }
            assertThat(received).isEmpty();

            try (TestServer second = TestServer.start(database, name, Map.of(
                    "portvakt.backchannel-logout.poll-interval", "100ms"))) {
                for (Instant until = Instant.now().plusSeconds(15); received.isEmpty() && Instant.now().isBefore(until);) {
                    Thread.sleep(50);
                }
                assertThat(received).hasSize(1);
                var claims = SignedJWT.parse(received.get(0)).getJWTClaimsSet();
                assertThat(claims.getAudience()).containsExactly("restart-app");
                assertThat(claims.getStringClaim("sid")).isEqualTo("session-1");
                for (Instant until = Instant.now().plusSeconds(5); Instant.now().isBefore(until); Thread.sleep(50)) {
                    if (rows(second) == 0) {
                        break;
                    }
                }
                assertThat(rows(second)).isZero();
            }
        } finally {
            application.stop(0);
        }
    }

    private static long rows(TestServer server) {
        return server.bean(JdbcClient.class).sql("SELECT COUNT(*) FROM backchannel_logout").query(Long.class).single();
    }
}
