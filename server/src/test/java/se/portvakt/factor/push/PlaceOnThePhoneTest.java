package se.portvakt.factor.push;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import se.portvakt.account.Account;
import se.portvakt.account.AccountStore;
import se.portvakt.password.PasswordHasher;
import se.portvakt.testing.AuthenticatorDevice;
import se.portvakt.testing.GeoipDatabases;
import se.portvakt.testing.HttpAgent;
import se.portvakt.testing.OidcClient;
import se.portvakt.testing.TestDatabase;
import se.portvakt.testing.TestPeople;
import se.portvakt.testing.TestServer;

/**
 * The approximate place on the phone (issue 11): a person signs in over real HTTP from an address (the tests play
 * the trusted proxy and send X-Forwarded-For), the request is created with that address, and {@code pending} shows
 * its place from the GeoIP database ({@code portvakt.geoip.database}); an address the database does not know, a
 * private one, or a server without the setting shows {@code null}.
 */
abstract class PlaceOnThePhoneTest {

    static class OnEmbeddedDatabase extends PlaceOnThePhoneTest {
        OnEmbeddedDatabase() {
            super(new TestDatabase.H2());
        }
    }

    static class OnPostgreSql extends PlaceOnThePhoneTest {
        OnPostgreSql() {
            super(new TestDatabase.Postgres());
        }
    }

    private static final String PASSWORD = "a long enough password";

    private final TestDatabase database;
    private final String name = TestDatabase.newName();

    PlaceOnThePhoneTest(TestDatabase database) {
        this.database = database;
    }

    @AfterEach
    void dropDatabase() {
        database.drop(name);
    }

    @Test
    void aSignInFromAKnownAddressShowsItsPlaceOnThePhone() {
        Map<String, String> withGeoip = Map.of("portvakt.geoip.database", GeoipDatabases.city());
        try (TestServer server = TestServer.start(database, name, withGeoip)) {
            assertThat(shownFor(server, "198.51.100.7")).containsEntry("place", "Göteborg, Sweden")
                    .containsEntry("address", "198.51.100.7");
            assertThat(shownFor(server, "203.0.113.9")).containsEntry("place", "Norway");
            assertThat(shownFor(server, "2001:db8::5")).containsEntry("place", "Helsinki, Finland");
            assertThat(shownFor(server, "192.0.2.7")).as("not in the database").containsEntry("place", null);
            assertThat(shownFor(server, "10.1.2.3")).as("private, though the test database has a place for it")
                    .containsEntry("place", null);
        }
    }

    @Test
    void withoutTheSettingNoPlaceIsShown() {
        try (TestServer server = TestServer.start(database, name, Map.of())) {
            assertThat(shownFor(server, "198.51.100.7")).containsEntry("place", null)
                    .containsEntry("address", "198.51.100.7");
        }
    }

    /**
     * A person with a paired phone signs in from this address: the browser reaches "Check your phone", and the
     * phone's {@code pending} lists the request; its address and place as the phone is told them.
     */
    private static Map<String, String> shownFor(TestServer server, String address) {
        Account person = TestPeople.account(server.bean(AccountStore.class), "geoip",
                server.bean(PasswordHasher.class).hash(PASSWORD));
        AuthenticatorDevice phone = new AuthenticatorDevice(server.issuer());
        assertThat(phone.pair(server.bean(Pairings.class).issue(person.id(), UUID.randomUUID().toString()).code(), null)
                .statusCode()).isEqualTo(201);
        HttpAgent browser = TestPeople.browser(server.issuer()).header("X-Forwarded-For", address);
        browser.get(HttpAgent.location(browser.get(OidcClient.web().authorizationUrl())));
        browser.post("/signin", Map.of("email", person.email().value()));
        browser.get("/signin/password");
        HttpResponse<String> signedIn = browser.post("/signin/password", Map.of("password", PASSWORD));
        assertThat(HttpAgent.location(signedIn)).as(signedIn.body()).endsWith("/signin/check-your-phone");

        HttpResponse<String> answer = phone.call("/pending", Map.of());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        List<JsonNode> requests = AuthenticatorDevice.json(answer).get("requests").valueStream().toList();
        assertThat(requests).hasSize(1);
        JsonNode shown = requests.get(0);
        Map<String, String> fields = new HashMap<>();
        fields.put("address", shown.get("address").asString());
        fields.put("place", shown.get("place").isNull() ? null : shown.get("place").asString());
        return fields;
    }
}
