package se.portvakt.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.env.Environment;

import se.portvakt.testing.HttpAgent;
import se.portvakt.testing.OnH2;
import se.portvakt.testing.TestServer;

/**
 * {@code /actuator/prometheus} answers only the addresses in {@code portvakt.metrics.allowed-addresses}, loopback
 * by default: from elsewhere (here a client behind the tests' proxy) it is "not found"; health stays public.
 */
@OnH2
class MetricsFromAnotherMachineTest {

    private static final String PROMETHEUS = "/actuator/prometheus";

    @Value("${portvakt.issuer}")
    String issuer;

    @Test
    void fromAnotherAddressMetricsAreNotFoundAndHealthIsServed() {
        HttpAgent remote = new HttpAgent(issuer).header("X-Forwarded-For", "203.0.113.9");

        var metrics = remote.get(PROMETHEUS);
        assertThat(metrics.statusCode()).isEqualTo(404);
        assertThat(metrics.body()).doesNotContain("portvakt_");
        assertThat(remote.get(PROMETHEUS + "/").statusCode()).isEqualTo(404);
        assertThat(remote.get("/actuator/health").statusCode()).isEqualTo(200);
        assertThat(remote.get("/actuator/health/readiness").statusCode()).isEqualTo(200);
    }

    @Test
    void fromThisMachineMetricsAreServed() {
        var metrics = new HttpAgent(issuer).get(PROMETHEUS);

        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("http_server_requests");
    }

    @Test
    void onTheManagementPortTheListedAddressesDecideToo() {
        try (TestServer server = TestServer.onNewH2(Map.of("management.server.port", "0",
                "portvakt.metrics.allowed-addresses", "10.9.9.9"))) {
            String management = "http://127.0.0.1:" + server.bean(Environment.class).getProperty("local.management.port");
            HttpAgent local = new HttpAgent(management);

            assertThat(local.get(PROMETHEUS).statusCode()).as("loopback is not listed").isEqualTo(404);
            assertThat(local.get("/actuator/health").statusCode()).isEqualTo(200);
        }
    }
}
