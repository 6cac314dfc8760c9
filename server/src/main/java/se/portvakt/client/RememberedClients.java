package se.portvakt.client;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;

/**
 * The registered clients, remembered for a minute after they are read from the database.
 *
 * <p>Why: every token request looks its client up two or three times (client authentication, each authorization
 * row read), and Spring's JDBC repository answers each with a query and a Jackson parse of the client's settings.
 * Clients change only when {@link Clients#apply} saves one (the bootstrap file, at start-up): a save here forgets
 * everything at once; a change saved by another node is seen here within {@link #REMEMBER}.
 * Unknown client ids are not remembered, so they cannot fill the memory.
 */
final class RememberedClients implements RegisteredClientRepository {

    static final Duration REMEMBER = Duration.ofMinutes(1);
    private static final int MAX_ENTRIES = 1_000;

    private record Remembered(RegisteredClient client, long until) {}

    private final RegisteredClientRepository database;
    private final Map<String, Remembered> byId = new ConcurrentHashMap<>();
    private final Map<String, Remembered> byClientId = new ConcurrentHashMap<>();
    /** Changes at every save, so that a read that raced with a save does not remember what it read. */
    private final AtomicLong generation = new AtomicLong();

    RememberedClients(RegisteredClientRepository database) {
        this.database = database;
    }

    @Override
    public void save(RegisteredClient client) {
        generation.incrementAndGet();
        try {
            database.save(client);
        } finally {
            byId.clear();
            byClientId.clear();
            generation.incrementAndGet();
        }
    }

    @Override
    public RegisteredClient findById(String id) {
        return find(byId, id, database::findById);
    }

    @Override
    public RegisteredClient findByClientId(String clientId) {
        return find(byClientId, clientId, database::findByClientId);
    }

    private RegisteredClient find(Map<String, Remembered> remembered, String key, Function<String, RegisteredClient> read) {
        long now = System.nanoTime();
        Remembered entry = remembered.get(key);
        if (entry != null && entry.until() - now > 0) {
            return entry.client();
        }
        long before = generation.get();
        RegisteredClient client = read.apply(key);
        if (client != null && before % 2 == 0) {
            if (remembered.size() >= MAX_ENTRIES) {
                remembered.clear();
            }
            remembered.put(key, new Remembered(client, now + REMEMBER.toNanos()));
            if (generation.get() != before) {
                remembered.remove(key);
            }
        }
        return client;
    }
}
