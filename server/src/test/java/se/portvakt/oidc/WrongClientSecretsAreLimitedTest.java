package se.portvakt.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;

import se.portvakt.client.ClientDefinition;
import se.portvakt.client.ClientType;
import se.portvakt.client.Clients;
import se.portvakt.testing.HttpAgent;
import se.portvakt.testing.OidcClient;
import se.portvakt.testing.OnH2;
import se.portvakt.testing.OnPostgres;
import se.portvakt.testing.Race;
import se.portvakt.testing.TestPeople;

/**
 * Someone guessing a client's secret is stopped per client id and client address, and per client address, before
 * any Argon2id check, at the token, introspection and revocation endpoints alike; the client itself, from its own
 * address, goes on as before.
 */
abstract class WrongClientSecretsAreLimitedTest {

    @OnH2
    static class OnEmbeddedDatabase extends WrongClientSecretsAreLimitedTest {}

    @OnPostgres
    static class OnPostgreSql extends WrongClientSecretsAreLimitedTest {}

    private static final String SECRET = "the right client secret";

    @Value("${portvakt.issuer}")
    String issuer;

    @Value("${portvakt.limits.failed-client-authentications-per-client-and-address}")
    int perClientAndAddress;

    @Value("${portvakt.limits.failed-client-authentications-per-address}")
    int perAddress;

    @Value("${portvakt.limits.window}")
    Duration window;

    @Autowired
    Clients clients;

    @Autowired
    MeterRegistry metrics;

    @Autowired
    JdbcClient jdbc;

    @Test
    void pastTheLimitForOneClientFromOneAddressNoSecretIsCheckedFromThereAndTheClientGoesOnElsewhere()
            throws InterruptedException {
        inOneCountingWindow();
        String guessed = machineClient();
        String attacker = TestPeople.uniqueAddress();
        for (int i = 0; i < perClientAndAddress; i++) {
            assertInvalidClient(token(guessed, "guess " + i, attacker));
        }
        double hashesBefore = hashes();

        assertInvalidClient(token(guessed, SECRET, attacker));

        assertThat(hashes()).as("no Argon2id check past the limit").isEqualTo(hashesBefore);
        assertThat(outcomes(guessed)).filteredOn("failure"::equals).hasSize(perClientAndAddress);
        assertThat(outcomes(guessed)).filteredOn("locked"::equals).hasSize(1);
        HttpResponse<String> theClientItself = token(guessed, SECRET, TestPeople.uniqueAddress());
        assertThat(theClientItself.statusCode()).as("a stranger does not lock the client out").isEqualTo(200);
        assertThat(hashes()).as("the counter counts checks").isEqualTo(hashesBefore + 1);
    }

    @Test
    void pastTheLimitForOneAddressNoEndpointChecksASecretFromThere() throws InterruptedException {
        inOneCountingWindow();
        String address = TestPeople.uniqueAddress();
        List<String> guessed = List.of(machineClient(), machineClient(), machineClient());
        for (int i = 0; i < perAddress; i++) {
            assertInvalidClient(token(guessed.get(i % guessed.size()), "guess " + i, address));
        }
        String other = machineClient();
        double hashesBefore = hashes();

        assertInvalidClient(token(other, SECRET, address));
        assertInvalidClient(client(other, SECRET, address).post("/oauth2/introspect", OidcClient.form("token", "x")));
        assertInvalidClient(client(other, SECRET, address).post("/oauth2/revoke", OidcClient.form("token", "x")));

        assertThat(hashes()).as("no Argon2id check past the limit").isEqualTo(hashesBefore);
        assertThat(outcomes(other)).containsExactly("locked", "locked", "locked");
        String accessToken = OidcClient.json(token(other, SECRET, TestPeople.uniqueAddress())).get("access_token").asString();
        HttpResponse<String> elsewhere = client(other, SECRET, TestPeople.uniqueAddress())
                .post("/oauth2/introspect", OidcClient.form("token", accessToken));
        assertThat(elsewhere.statusCode()).as(elsewhere.body()).isEqualTo(200);
        assertThat(OidcClient.json(elsewhere).get("active").asBoolean()).isTrue();
    }

    @Test
    void aSecretFoundRightAMomentAgoIsNeitherHashedNorCountedAgain() throws InterruptedException {
        inOneCountingWindow();
        String machine = machineClient();
        String address = TestPeople.uniqueAddress();
        assertThat(token(machine, SECRET, address).statusCode()).isEqualTo(200);
        double hashesBefore = hashes();

        for (int i = 0; i < perAddress + 5; i++) {
            HttpResponse<String> again = token(machine, SECRET, address);
            assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
        }

        assertThat(hashes()).as("answered from the remembered check").isEqualTo(hashesBefore);
        assertThat(counted(address)).as("right secrets leave no count behind").isZero();
    }

    /** What the client-secret limits hold for this address: failures and checks in flight. */
    private int counted(String address) {
        return jdbc.sql("SELECT COALESCE(SUM(hits + inflight), 0) FROM attempt_counter WHERE counter_key LIKE :key")
                .param("key", "client-secret.%" + address).query(Integer.class).single();
    }

    /**
     * An application's backend (one address) sending more token requests at once than the limit, before its secret is
     * remembered (a node just started, at peak): each is counted while its secret is checked, and the ones past the
     * limit wait for those checks to end instead of being refused as too many failures (decision 0068).
     */
    @Test
    void moreRightSecretsAtOnceFromOneAddressThanItsLimitAllGetTokens() throws Exception {
        inOneCountingWindow();
        String backend = machineClient();
        String address = TestPeople.uniqueAddress();

        List<HttpResponse<String>> answers = Race.send(perClientAndAddress + 10, () -> token(backend, SECRET, address));

        assertThat(answers).as("answers other than tokens: %s", answers.stream().filter(a -> a.statusCode() != 200)
                .map(HttpResponse::body).toList()).allSatisfy(a -> assertThat(a.statusCode()).isEqualTo(200));
        assertThat(outcomes(backend)).as("no failure and no lock in the audit log").isEmpty();
        assertThat(counted(address)).as("right secrets leave no count behind").isZero();
    }

    /**
     * Wrong secrets for one client sent all at once from one address: each is counted while it is checked, and the
     * ones past the limit wait only while the checks beside them may yet be right (decision 0068); once those fail,
     * the rest are refused unchecked. No more secrets are hashed than the limit allows.
     */
    @Test
    void wrongSecretsSentAtOnceFromOneAddressAreCheckedOnlyUpToTheLimit() throws Exception {
        inOneCountingWindow();
        String guessed = machineClient();
        String attacker = TestPeople.uniqueAddress();
        double hashesBefore = hashes();

        List<HttpResponse<String>> answers = Race.send(perClientAndAddress + 20,
                () -> token(guessed, "a wrong guess", attacker));

        answers.forEach(WrongClientSecretsAreLimitedTest::assertInvalidClient);
        assertThat(hashes() - hashesBefore).as("secrets hashed").isBetween(1.0, (double) perClientAndAddress);
        assertThat(outcomes(guessed)).filteredOn("failure"::equals).hasSizeBetween(1, perClientAndAddress);
        assertThat(outcomes(guessed)).hasSize(answers.size()).containsOnly("failure", "locked");
        assertThat(counted(attacker)).as("no check left in flight, the failures counted twice (pair and address)")
                .isEqualTo(2 * (int) outcomes(guessed).stream().filter("failure"::equals).count());
    }

    /** Counts are kept per fixed window: the guesses of a test must not straddle the end of one. */
    private void inOneCountingWindow() throws InterruptedException {
        long untilNextWindow = window.toMillis() - System.currentTimeMillis() % window.toMillis();
        if (untilNextWindow < Duration.ofMinutes(2).toMillis()) {
            Thread.sleep(untilNextWindow + 100);
        }
    }

    private static void assertInvalidClient(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(401);
        assertThat(OidcClient.json(response).get("error").asString()).isEqualTo("invalid_client");
    }

    /** A machine client of this test's own, so that its counts are this test's. */
    private String machineClient() {
        String id = "guessed-" + UUID.randomUUID();
        clients.apply(new ClientDefinition(id, null, ClientType.MACHINE, SECRET, null, null, List.of("hr.read"), null,
                null, false));
        return id;
    }

    private HttpAgent client(String clientId, String secret, String address) {
        return new HttpAgent(issuer).header("X-Forwarded-For", address)
                .header("Authorization", OidcClient.basic(clientId, secret));
    }

    private HttpResponse<String> token(String clientId, String secret, String address) {
        return client(clientId, secret, address).post("/oauth2/token",
                OidcClient.form("grant_type", "client_credentials", "scope", "hr.read"));
    }

    private double hashes() {
        return metrics.get("portvakt.client.secret.checks").counter().count();
    }

    private List<String> outcomes(String clientId) {
        return jdbc.sql("""
                SELECT outcome FROM audit_event WHERE event_type = 'client.authentication' AND client_id = :client ORDER BY id
                """).param("client", clientId).query(String.class).list();
    }
}
