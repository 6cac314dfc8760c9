package se.portvakt.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import java.util.UUID;

import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.core.env.MapPropertySource;

/**
 * Gives each test application context its own database and its own port, so test classes, parallel runs and
 * reruns never see each other's data: a fresh H2 file under target/, or a fresh schema in the PostgreSQL
 * database {@code test} at 127.0.0.1:5432 (dropped when the context closes). The issuer is set to the port,
 * so discovery documents name the server the tests talk to.
 */
public abstract class TestDatabase implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    public static final String POSTGRES_URL = "jdbc:postgresql://127.0.0.1:5432/test";
    public static final String POSTGRES_USER = "postgres";
    /** The tests' key for factor secrets at rest: base64 of "portvakt-test-key-32-bytes-long!". */
    public static final String FACTORS_ENCRYPTION_KEY = "cG9ydHZha3QtdGVzdC1rZXktMzItYnl0ZXMtbG9uZyE=";

    /** The embedded default: H2 in a file. */
    public static final class H2 extends TestDatabase {
        @Override
        Map<String, Object> datasource(String name) {
            return Map.of("spring.datasource.url", "jdbc:h2:file:./target/h2/" + name,
                    "spring.datasource.username", "sa",
                    "spring.datasource.password", "");
        }
    }

    /** PostgreSQL, as in production. */
    public static final class Postgres extends TestDatabase {
        @Override
        Map<String, Object> datasource(String name) {
            return Map.of("spring.datasource.url", POSTGRES_URL + "?currentSchema=" + name,
                    "spring.datasource.username", POSTGRES_USER,
                    "spring.datasource.password", "",
                    "spring.flyway.schemas", name,
                    "spring.flyway.default-schema", name);
        }

        @Override
        void dropped(String name) {
            try (Connection connection = DriverManager.getConnection(POSTGRES_URL, POSTGRES_USER, "")) {
                connection.createStatement().execute("DROP SCHEMA IF EXISTS " + name + " CASCADE");
            } catch (SQLException e) {
                // Best effort: a left-over schema costs disk, not correctness.
            }
        }
    }

    abstract Map<String, Object> datasource(String name);

    void dropped(String name) {}

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        String name = newName();
        Map<String, Object> properties = serverProperties(name, freePort());
        context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("portvakt-test-database", properties));
        context.addApplicationListener(event -> {
            if (event instanceof ContextClosedEvent) {
                dropped(name);
            }
        });
    }

    /** A database name no other test uses (an H2 file, or a PostgreSQL schema). */
    public static String newName() {
        return "portvakt_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    /**
     * The settings that put a server on the database {@code name} of this kind, listening on {@code port}, with
     * the test key for factor secrets (every test server starts through here, and a restarted one must still read
     * what it stored). The tests play the proxy: they send X-Forwarded-For from loopback to act from other addresses.
     */
    public Map<String, Object> serverProperties(String name, int port) {
        var properties = new java.util.HashMap<String, Object>(datasource(name));
        properties.put("server.port", port);
        properties.put("portvakt.issuer", "http://localhost:" + port);
        properties.put("portvakt.factors.encryption-key", FACTORS_ENCRYPTION_KEY);
        properties.put("portvakt.trusted-proxies", "127.0.0.1,::1");
        return properties;
    }

    /** Removes the database {@code name} (for tests that start servers themselves, see {@link TestServer}). */
    public void drop(String name) {
        dropped(name);
    }

    /** A port nothing listens on now. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port", e);
        }
    }
}
