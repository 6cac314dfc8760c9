package se.portvakt.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import tools.jackson.databind.JsonNode;

import se.portvakt.testing.HttpAgent;
import se.portvakt.testing.OidcClient;
import se.portvakt.testing.OnH2;
import se.portvakt.testing.OnPostgres;

/**
 * A machine client gets access tokens with client credentials for the scopes it is allowed, and a resource
 * server asks the introspection endpoint whether such a token is still good, before and after revocation.
 */
abstract class MachineClientGetsTokensTest {

    @OnH2
    static class OnEmbeddedDatabase extends MachineClientGetsTokensTest {}

    @OnPostgres
    static class OnPostgreSql extends MachineClientGetsTokensTest {}

    @Value("${portvakt.issuer}")
    String issuer;

    @Test
    void clientCredentialsGiveATokenWithTheRequestedScope() {
        HttpResponse<String> response = token("hr.read");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode tokens = OidcClient.json(response);
        assertThat(tokens.get("token_type").asString()).isEqualToIgnoringCase("Bearer");
        assertThat(tokens.get("scope").asString()).isEqualTo("hr.read");
        assertThat(tokens.get("expires_in").asLong()).isPositive();
        assertThat(tokens.has("refresh_token")).isFalse();
        assertThat(tokens.has("id_token")).isFalse();
        JsonNode claims = OidcClient.claims(tokens.get("access_token").asString());
        assertThat(claims.get("sub").asString()).isEqualTo("test-machine");
        assertThat(claims.get("iss").asString()).isEqualTo(issuer);
    }

    @Test
    void bothAllowedScopesCanBeAskedForTogether() {
        HttpResponse<String> response = token("hr.read hr.write");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(OidcClient.json(response).get("scope").asString().split(" ")).containsExactlyInAnyOrder("hr.read", "hr.write");
    }

    @Test
    void aScopeTheClientIsNotAllowedIsRefused() {
        HttpResponse<String> response = token("hr.read hr.admin");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(OidcClient.json(response).get("error").asString()).isEqualTo("invalid_scope");
    }

    @Test
    void openidIsNotForMachineClients() {
        HttpResponse<String> response = token("openid");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(OidcClient.json(response).get("error").asString()).isEqualTo("invalid_scope");
    }

    @Test
    void wrongSecretIsInvalidClient() {
        HttpResponse<String> response = new HttpAgent(issuer).header("Authorization", OidcClient.basic("test-machine", "wrong-secret"))
                .post("/oauth2/token", OidcClient.form("grant_type", "client_credentials", "scope", "hr.read"));

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(OidcClient.json(response).get("error").asString()).isEqualTo("invalid_client");
    }

    @Test
    void introspectionSaysActiveUntilTheTokenIsRevoked() {
        String accessToken = OidcClient.json(token("hr.read")).get("access_token").asString();

        JsonNode active = OidcClient.json(machine().post("/oauth2/introspect", OidcClient.form("token", accessToken)));
        assertThat(active.get("active").asBoolean()).isTrue();
        assertThat(active.get("client_id").asString()).isEqualTo("test-machine");
        assertThat(active.get("scope").asString()).isEqualTo("hr.read");
        assertThat(active.get("token_type").asString()).isEqualToIgnoringCase("Bearer");
        assertThat(active.get("exp").asLong()).isGreaterThan(System.currentTimeMillis() / 1000);

        HttpResponse<String> revoked = machine().post("/oauth2/revoke",
                OidcClient.form("token", accessToken, "token_type_hint", "access_token"));
        assertThat(revoked.statusCode()).isEqualTo(200);

        HttpResponse<String> after = machine().post("/oauth2/introspect", OidcClient.form("token", accessToken));
        assertThat(after.statusCode()).isEqualTo(200);
        JsonNode inactive = OidcClient.json(after);
        assertThat(inactive.get("active").asBoolean()).isFalse();
        assertThat(inactive.has("client_id")).as("an inactive token tells nothing more (RFC 7662 2.2)").isFalse();
    }

    @Test
    void introspectionNeedsClientAuthentication() {
        String accessToken = OidcClient.json(token("hr.read")).get("access_token").asString();

        HttpResponse<String> response = new HttpAgent(issuer).post("/oauth2/introspect", OidcClient.form("token", accessToken));

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.body()).doesNotContain("\"active\":true");
    }

    @Test
    void anUnknownTokenIsInactive() {
        HttpResponse<String> response = machine().post("/oauth2/introspect", OidcClient.form("token", "no-such-token"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(OidcClient.json(response).get("active").asBoolean()).isFalse();
    }

    private HttpResponse<String> token(String scope) {
        return machine().post("/oauth2/token", OidcClient.form("grant_type", "client_credentials", "scope", scope));
    }

    private HttpAgent machine() {
        return new HttpAgent(issuer).header("Authorization", OidcClient.basic("test-machine", "test-machine-secret"));
    }
}
