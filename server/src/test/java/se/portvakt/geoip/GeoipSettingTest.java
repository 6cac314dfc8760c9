package se.portvakt.geoip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

import se.portvakt.testing.GeoipDatabases;
import se.portvakt.testing.TestServer;

/**
 * {@code portvakt.geoip.database} at start-up: not set, the server starts and looks nothing up; set to a City
 * database, it starts with places; set to a path with no file, to a file that is not a MaxMind database, or to a
 * MaxMind database without places, the start stops naming the setting.
 */
class GeoipSettingTest {

    @TempDir
    Path folder;

    @Test
    void notSetTheServerStartsAndNoAddressHasAPlace() {
        try (TestServer server = TestServer.onNewH2(Map.of())) {
            assertThat(server.bean(Places.class).placeOf("198.51.100.7")).isEmpty();
        }
    }

    @Test
    void aCityDatabaseGivesPlaces() {
        try (TestServer server = TestServer.onNewH2(Map.of("portvakt.geoip.database", GeoipDatabases.city()))) {
            assertThat(server.bean(Places.class).placeOf("198.51.100.7")).contains("Göteborg, Sweden");
        }
    }

    @Test
    void aPathWithNoFileStopsTheStart() {
        String missing = folder.resolve("GeoLite2-City.mmdb").toString();

        assertRefused(missing, "there is no readable file at that path");
        assertRefused(folder.toString(), "there is no readable file at that path");
    }

    @Test
    void aFileThatIsNotAMaxMindDatabaseStopsTheStart() throws Exception {
        Path text = Files.writeString(folder.resolve("GeoLite2-City.mmdb"), "not a database\n".repeat(100));

        assertRefused(text.toString(), "it cannot be read as a MaxMind database (.mmdb)");
    }

    @Test
    void aMaxMindDatabaseWithoutPlacesStopsTheStart() {
        assertRefused(GeoipDatabases.asn(), "it is a GeoLite2-ASN database; a City or Country database is needed");
    }

    private static void assertRefused(String path, String reason) {
        assertThatThrownBy(() -> TestServer.onNewH2(Map.of("portvakt.geoip.database", path)).close())
                .rootCause()
                .isInstanceOf(InvalidConfigurationPropertyValueException.class)
                .hasMessageContaining("portvakt.geoip.database")
                .hasMessageContaining(path)
                .hasMessageContaining(reason);
    }
}
