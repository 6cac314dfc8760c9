package se.portvakt.brand;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The applications' looks, in the database ({@code client_brand}) so every node serves the same logo. Read on every
 * branded page and logo request, so each is remembered for a minute; the bootstrap file that changes them is applied
 * at start.
 */
@Component
public class Brands {

    private static final Duration REMEMBERED = Duration.ofMinutes(1);
    /** Anyone may ask for /brand/{any client id}/...: what is remembered stays bounded. */
    private static final int MAX_REMEMBERED = 1_000;

    private final JdbcClient jdbc;
    private final Clock clock;
    private final Map<String, Remembered> remembered = new ConcurrentHashMap<>();

    private record Remembered(Optional<Brand> brand, Instant until) {}

    Brands(JdbcClient jdbc) {
        this.jdbc = jdbc;
        this.clock = Clock.systemUTC();
    }

    /** The look of the application with this client_id, or empty for Portvakt's own. */
    public Optional<Brand> of(String clientId) {
        if (clientId == null) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        Remembered known = remembered.get(clientId);
        if (known != null && known.until().isAfter(now)) {
            return known.brand();
        }
        Optional<Brand> brand = load(clientId);
        if (remembered.size() >= MAX_REMEMBERED) {
            remembered.clear();
        }
        remembered.put(clientId, new Remembered(brand, now.plus(REMEMBERED)));
        return brand;
    }

    /**
     * Brings the client's look in line with its definition (none: Portvakt's look). Writes nothing when it is
     * already so, since the bootstrap file is applied at every start of every node; two nodes that start together
     * may both insert, and the second then updates.
     *
     * @param clientName the name shown when the definition gives no display name
     */
    public void apply(String clientId, String clientName, BrandDefinition definition) {
        remembered.remove(clientId);
        Optional<Brand> existing = load(clientId);
        if (definition == null || definition.isEmpty()) {
            if (existing.isPresent()) {
                jdbc.sql("DELETE FROM client_brand WHERE client_id = :c").param("c", clientId).update();
            }
            return;
        }
        String name = definition.displayName() != null ? definition.displayName() : clientName;
        Brand wanted = new Brand(clientId, name, definition.logo(), definition.logoType(), definition.accentColor());
        if (existing.isPresent() && same(existing.get(), wanted)) {
            return;
        }
        if (update(wanted) == 0) {
            try {
                jdbc.sql("""
                        INSERT INTO client_brand (client_id, display_name, logo, logo_type, accent_color, updated_at)
                        VALUES (:c, :name, :logo, :type, :color, :now)""")
                        .param("c", clientId).param("name", name).param("logo", wanted.logo())
                        .param("type", wanted.logoType()).param("color", wanted.accentColor())
                        .param("now", OffsetDateTime.now(clock)).update();
            } catch (DuplicateKeyException raced) {
                update(wanted);
            }
        }
    }

    private int update(Brand brand) {
        return jdbc.sql("""
                UPDATE client_brand SET display_name = :name, logo = :logo, logo_type = :type, accent_color = :color,
                updated_at = :now WHERE client_id = :c""")
                .param("c", brand.clientId()).param("name", brand.displayName()).param("logo", brand.logo())
                .param("type", brand.logoType()).param("color", brand.accentColor())
                .param("now", OffsetDateTime.now(clock)).update();
    }

    private Optional<Brand> load(String clientId) {
        return jdbc.sql("SELECT display_name, logo, logo_type, accent_color FROM client_brand WHERE client_id = :c")
                .param("c", clientId)
                .query((rs, row) -> new Brand(clientId, rs.getString("display_name"), rs.getBytes("logo"),
                        rs.getString("logo_type"), rs.getString("accent_color")))
                .optional();
    }

    private static boolean same(Brand a, Brand b) {
        return Objects.equals(a.displayName(), b.displayName()) && Arrays.equals(a.logo(), b.logo())
                && Objects.equals(a.logoType(), b.logoType()) && Objects.equals(a.accentColor(), b.accentColor());
    }
}
