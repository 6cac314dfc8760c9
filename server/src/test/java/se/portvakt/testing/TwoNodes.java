package se.portvakt.testing;

import java.util.HashMap;
import java.util.Map;

/**
 * Two Portvakt nodes on a new PostgreSQL schema of their own, serving one issuer (node a's), with the development
 * outbox for SMS codes and mails, as behind a load balancer without sticky sessions: for the cluster journey tests
 * (issue 14). Closing stops both and drops the schema.
 */
public final class TwoNodes implements AutoCloseable {

    private static final Map<String, String> OUTBOX = Map.of("portvakt.dev-outbox.enabled", "true");

    private final TestDatabase database;
    private final String name;
    private final TestServer a;
    private final TestServer b;

    private TwoNodes(TestDatabase database, String name, TestServer a, TestServer b) {
        this.database = database;
        this.name = name;
        this.a = a;
        this.b = b;
    }

    public static TwoNodes start() {
        return start(Map.of());
    }

    /** Two nodes with these settings added on both (short times for a test of what happens over time, say). */
    public static TwoNodes start(Map<String, String> settings) {
        TestDatabase database = new TestDatabase.Postgres();
        String name = TestDatabase.newName();
        Map<String, String> both = new HashMap<>(OUTBOX);
        both.putAll(settings);
        TestServer a = TestServer.start(database, name, both);
        try {
            Map<String, String> sameIssuer = new HashMap<>(both);
            sameIssuer.put("portvakt.issuer", a.issuer());
            return new TwoNodes(database, name, a, TestServer.start(database, name, sameIssuer));
        } catch (RuntimeException e) {
            a.close();
            database.drop(name);
            throw e;
        }
    }

    /** The first node, whose URL is the issuer. */
    public TestServer a() {
        return a;
    }

    public TestServer b() {
        return b;
    }

    /**
     * The nodes' base URLs, a's first, both on the issuer's host name ({@code localhost}), so that one cookie jar
     * serves both: cookies ignore the port.
     */
    public String[] nodes() {
        return new String[] {a.issuer(), b.loopback().replace("127.0.0.1", "localhost")};
    }

    /** A browser whose requests go to a, b, a, ... ({@link HttpAgent#alternating}). */
    public HttpAgent browser() {
        return TestPeople.browser(a.issuer()).alternating(nodes());
    }

    /** A browser whose requests go to b, a, b, ... */
    public HttpAgent browserFromB() {
        String[] nodes = nodes();
        return TestPeople.browser(a.issuer()).alternating(nodes[1], nodes[0]);
    }

    @Override
    public void close() {
        try {
            b.close();
            a.close();
        } finally {
            database.drop(name);
        }
    }
}
