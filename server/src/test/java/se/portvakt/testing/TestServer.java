package se.portvakt.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import se.portvakt.PortvaktApplication;

/**
 * A Portvakt server that a test starts and stops itself, for what a shared test context cannot show: a restart,
 * or a second node on the same database. It runs with the test bootstrap file, on a port of its own.
 */
public final class TestServer implements AutoCloseable {

    private final ConfigurableApplicationContext context;
    private final String issuer;
    private final int port;

    private TestServer(ConfigurableApplicationContext context, String issuer, int port) {
        this.context = context;
        this.issuer = issuer;
        this.port = port;
    }

    /** Starts a server on the database {@code name} of the given kind; the database is kept when it stops. */
    public static TestServer start(TestDatabase database, String name) {
        return start(database, name, Map.of());
    }

    /** A server on a new embedded database of its own, with these settings (for tests of start-up settings). */
    public static TestServer onNewH2(Map<String, String> settings) {
        return start(new TestDatabase.H2(), TestDatabase.newName(), settings);
    }

    /**
     * The same, with these settings added or replacing the test defaults (e.g. an SMS provider pointing at a test's
     * stand-in, another issuer, or {@code portvakt.trusted-proxies} empty).
     */
    public static TestServer start(TestDatabase database, String name, Map<String, String> settings) {
        return start(database, name, settings, new Class<?>[0]);
    }

    /**
     * The same, with beans of the test's own added to the server's ({@code beans}: classes with {@code @Bean}
     * methods and no stereotype, so that no other server's component scan finds them), e.g. a filter that cuts a
     * proxy at an exact point of a request.
     */
    public static TestServer start(TestDatabase database, String name, Map<String, String> settings,
            Class<?>... beans) {
        int port = TestDatabase.freePort();
        Map<String, Object> properties = new LinkedHashMap<>(database.serverProperties(name, port));
        properties.put("portvakt.bootstrap", "classpath:bootstrap/test.yaml");
        properties.put("logging.level.root", "WARN");
        properties.putAll(settings);
        // Command-line arguments, so they win over application.yml as the test context's properties do; one per
        // setting, since a repeated argument would join its values.
        List<String> args = new ArrayList<>();
        properties.forEach((key, value) -> args.add("--" + key + "=" + value));
        ConfigurableApplicationContext context = new SpringApplicationBuilder(PortvaktApplication.class)
                .sources(beans)
                .run(args.toArray(String[]::new));
        return new TestServer(context, String.valueOf(properties.get("portvakt.issuer")), port);
    }

    /** One of the server's beans, for a test to read what the server stored. */
    public <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    /** The server's base URL, which is also its issuer. */
    public String issuer() {
        return issuer;
    }

    /** The server's address over IPv4 loopback ({@code http://127.0.0.1:port}), whatever its issuer says. */
    public String loopback() {
        return "http://127.0.0.1:" + port;
    }

    /** This node's address on the issuer's host name (behind a {@link RoundRobinProxy}: its cookies stay the proxy's). */
    public String onLocalhost() {
        return "http://localhost:" + port;
    }

    @Override
    public void close() {
        context.close();
    }
}
