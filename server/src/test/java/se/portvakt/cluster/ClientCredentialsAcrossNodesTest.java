package se.portvakt.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

import se.portvakt.testing.HttpAgent;
import se.portvakt.testing.OidcClient;
import se.portvakt.testing.TwoNodes;

/**
 * A client-credentials token has no row (decision 0054), yet both nodes of a cluster answer for it alike: issued on
 * one node, it is active at the other's introspection endpoint; revoked at the other, it is inactive on both.
 */
class ClientCredentialsAcrossNodesTest {

    @Test
    void aTokenIssuedOnOneNodeIsIntrospectedAndRevokedOnTheOther() {
        try (TwoNodes cluster = TwoNodes.start()) {
            String[] nodes = cluster.nodes();
            JdbcClient jdbc = cluster.a().bean(JdbcClient.class);
            int rowsBefore = jdbc.sql("SELECT COUNT(*) FROM oauth2_authorization").query(Integer.class).single();

            HttpResponse<String> issued = machine(nodes[0]).post("/oauth2/token",
                    OidcClient.form("grant_type", "client_credentials", "scope", "hr.read"));
            assertThat(issued.statusCode()).as(issued.body()).isEqualTo(200);
            String accessToken = OidcClient.json(issued).get("access_token").asString();
            assertThat(jdbc.sql("SELECT COUNT(*) FROM oauth2_authorization").query(Integer.class).single())
                    .as("no row for the token").isEqualTo(rowsBefore);

            assertThat(active(nodes[1], accessToken)).as("introspected on the node that did not issue it").isTrue();
            assertThat(active(nodes[0], accessToken)).isTrue();

            assertThat(machine(nodes[1]).post("/oauth2/revoke", OidcClient.form("token", accessToken)).statusCode())
                    .isEqualTo(200);
            assertThat(active(nodes[0], accessToken)).as("revoked on the other node").isFalse();
            assertThat(active(nodes[1], accessToken)).isFalse();
        }
    }

    private static boolean active(String node, String token) {
        HttpResponse<String> answer = machine(node).post("/oauth2/introspect", OidcClient.form("token", token));
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return OidcClient.json(answer).get("active").asBoolean();
    }

    private static HttpAgent machine(String node) {
        return new HttpAgent(node).header("Authorization", OidcClient.basic("test-machine", "test-machine-secret"));
    }
}
