package se.portvakt.geoip;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import se.portvakt.testing.GeoipDatabases;
import se.portvakt.testing.Race;

/**
 * Places from a GeoIP2 City database written by MaxMind's own writer, read by MaxMind's reader: the city and the
 * country of a known address, the country alone where the database has no city, nothing for an address it does
 * not know, and nothing for addresses inside a network even where the database has a record for them.
 */
class PlacesTest {

    private MaxMindPlaces places;

    @BeforeEach
    void open() throws Exception {
        places = MaxMindPlaces.open(new File(GeoipDatabases.city()));
    }

    @AfterEach
    void close() throws Exception {
        places.close();
    }

    @Test
    void aKnownAddressGivesItsCityAndCountry() {
        assertThat(places.placeOf("198.51.100.7")).contains("Göteborg, Sweden");
        assertThat(places.placeOf("2001:db8::17")).contains("Helsinki, Finland");
        assertThat(places.placeOf("::ffff:198.51.100.7")).as("IPv4 written as IPv6").contains("Göteborg, Sweden");
    }

    @Test
    void withoutACityTheCountryAlone() {
        assertThat(places.placeOf("203.0.113.9")).contains("Norway");
    }

    @Test
    void anAddressTheDatabaseDoesNotKnowHasNoPlace() {
        assertThat(places.placeOf("192.0.2.7")).isEmpty();
        assertThat(places.placeOf("2001:db9::1")).isEmpty();
    }

    @Test
    void addressesInsideANetworkHaveNoPlaceEvenWhereTheDatabaseHasOne() {
        // The test database has made-up places for 10.0.0.0/8, 127.0.0.0/8 and ::1: only the check keeps them out.
        assertThat(List.of("10.1.2.3", "127.0.0.1", "::1", "::ffff:10.1.2.3", "192.168.1.1", "172.16.0.1",
                "169.254.1.1", "100.64.0.1", "fd00::1", "fe80::1", "0.0.0.0", "::"))
                .allSatisfy(address -> assertThat(places.placeOf(address)).as(address).isEmpty());
    }

    @Test
    void whatIsNotAnIpAddressHasNoPlace() {
        // A host name would be resolved by InetAddress, so these are refused before it ("cafe" is all hex digits).
        List<String> notAddresses = new ArrayList<>(List.of("", " ", "localhost", "example.com", "cafe",
                "198.51.100.7, 10.0.0.1", "198.51.100", "198.51.100.7.8", "999.1.1.1", "not an address"));
        notAddresses.add(null);
        assertThat(notAddresses)
                .allSatisfy(text -> assertThat(places.placeOf(text)).as(String.valueOf(text)).isEmpty());
    }

    @Test
    void oneOpenDatabaseAnswersManyLookupsAtOnce() throws Exception {
        List<Optional<String>> answers = Race.run(20, () -> places.placeOf("198.51.100.7"));

        assertThat(answers).hasSize(20).containsOnly(Optional.of("Göteborg, Sweden"));
    }

    @Test
    void aClosedDatabaseGivesNoPlaceRatherThanAnError() throws Exception {
        places.close();

        assertThat(places.placeOf("198.51.100.7")).isEmpty();
    }
}
