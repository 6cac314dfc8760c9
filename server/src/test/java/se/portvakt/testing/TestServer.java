package se.portvakt.testing;

import java.util.ArrayList;
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

    private TestServer(ConfigurableApplicationContext context, String issuer) {
        this.context = context;
        this.issuer = issuer;
    }

    /** Starts a server on the database {@code name} of the given kind; the database is kept when it stops. */
    public static TestServer start(TestDatabase database, String name) {
        return start(database, name, Map.of());
    }

    /** The same, with these settings added (e.g. an SMS provider pointing at a test's stand-in). */
    public static TestServer start(TestDatabase database, String name, Map<String, String> settings) {
        int port = TestDatabase.freePort();
        Map<String, Object> properties = database.serverProperties(name, port);
        // Command-line arguments, so they win over application.yml as the test context's properties do.
        List<String> args = new ArrayList<>();
        properties.forEach((key, value) -> args.add("--" + key + "=" + value));
        args.add("--portvakt.bootstrap=classpath:bootstrap/test.yaml");
        args.add("--logging.level.root=WARN");
        settings.forEach((key, value) -> args.add("--" + key + "=" + value));
        ConfigurableApplicationContext context = new SpringApplicationBuilder(PortvaktApplication.class)
                .run(args.toArray(String[]::new));
        return new TestServer(context, String.valueOf(properties.get("portvakt.issuer")));
    }

    /** One of the server's beans, for a test to read what the server stored. */
    public <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    /** The server's base URL, which is also its issuer. */
    public String issuer() {
        return issuer;
    }

    @Override
    public void close() {
        context.close();
    }
}
