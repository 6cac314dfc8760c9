package se.portvakt.testing;

import java.net.URISyntaxException;
import java.nio.file.Path;

/**
 * The small GeoIP databases in {@code src/test/resources/geoip}, written by MaxMind's own writer
 * ({@code make-test-databases.pl}, which says what they hold): places only for documentation addresses
 * (198.51.100.0/24 Göteborg, Sweden; 203.0.113.0/24 Norway without a city; 2001:db8::/32 Helsinki, Finland), and
 * made-up places for 10.0.0.0/8, 127.0.0.0/8 and ::1, which the server must not show.
 */
public final class GeoipDatabases {

    private GeoipDatabases() {}

    /** A GeoIP2-City database, as a file path for {@code portvakt.geoip.database}. */
    public static String city() {
        return path("GeoIP2-City-Portvakt-Test.mmdb");
    }

    /** A GeoLite2-ASN database: a real MaxMind database, but one without places. */
    public static String asn() {
        return path("GeoLite2-ASN-Portvakt-Test.mmdb");
    }

    private static String path(String name) {
        try {
            return Path.of(GeoipDatabases.class.getResource("/geoip/" + name).toURI()).toString();
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("test database " + name + " is missing", e);
        }
    }
}
