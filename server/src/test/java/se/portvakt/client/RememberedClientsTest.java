package se.portvakt.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;

/** Registered clients are read from the database once, and a saved change is seen at once. */
class RememberedClientsTest {

    private final CountingDatabase database = new CountingDatabase();
    private final RememberedClients clients = new RememberedClients(database);

    @Test
    void aClientIsReadFromTheDatabaseOnce() {
        database.save(client("payroll-sync", "Payroll"));

        for (int i = 0; i < 5; i++) {
            assertThat(clients.findByClientId("payroll-sync").getClientName()).isEqualTo("Payroll");
            assertThat(clients.findById("id-payroll-sync").getClientName()).isEqualTo("Payroll");
        }

        assertThat(database.reads).isEqualTo(2);
    }

    @Test
    void aSavedChangeIsSeenAtOnce() {
        database.save(client("payroll-sync", "Payroll"));
        clients.findByClientId("payroll-sync");
        clients.findById("id-payroll-sync");

        clients.save(client("payroll-sync", "Payroll, renamed"));

        assertThat(clients.findByClientId("payroll-sync").getClientName()).isEqualTo("Payroll, renamed");
        assertThat(clients.findById("id-payroll-sync").getClientName()).isEqualTo("Payroll, renamed");
    }

    @Test
    void anUnknownClientIsAskedForEachTime() {
        assertThat(clients.findByClientId("nobody")).isNull();
        assertThat(clients.findByClientId("nobody")).isNull();

        assertThat(database.reads).isEqualTo(2);
    }

    private static RegisteredClient client(String clientId, String name) {
        return RegisteredClient.withId("id-" + clientId)
                .clientId(clientId)
                .clientName(name)
                .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                .authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
                .build();
    }

    private static final class CountingDatabase implements RegisteredClientRepository {
        private final Map<String, RegisteredClient> byId = new HashMap<>();
        int reads;

        @Override
        public void save(RegisteredClient client) {
            byId.put(client.getId(), client);
        }

        @Override
        public RegisteredClient findById(String id) {
            reads++;
            return byId.get(id);
        }

        @Override
        public RegisteredClient findByClientId(String clientId) {
            reads++;
            return byId.values().stream().filter(c -> c.getClientId().equals(clientId)).findFirst().orElse(null);
        }
    }
}
