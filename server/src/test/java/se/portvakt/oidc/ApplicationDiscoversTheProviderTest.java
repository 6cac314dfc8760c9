package se.portvakt.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import tools.jackson.databind.JsonNode;

import se.portvakt.testing.HttpAgent;
import se.portvakt.testing.OidcClient;
import se.portvakt.testing.OnH2;
import se.portvakt.testing.OnPostgres;

/** An application configures itself from the discovery document and fetches the keys to check tokens with. */
abstract class ApplicationDiscoversTheProviderTest {

    @OnH2
    static class OnEmbeddedDatabase extends ApplicationDiscoversTheProviderTest {}

    @OnPostgres
    static class OnPostgreSql extends ApplicationDiscoversTheProviderTest {}

    /** JWK members that hold private key material (RFC 7518 6.2.2, 6.3.2, 6.4). */
    private static final List<String> PRIVATE_MEMBERS = List.of("d", "p", "q", "dp", "dq", "qi", "oth", "k");

    @Value("${portvakt.issuer}")
    String issuer;

    @Test
    void discoveryNamesThisIssuerAndItsEndpoints() {
        HttpResponse<String> response = new HttpAgent(issuer).get("/.well-known/openid-configuration");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
        JsonNode metadata = OidcClient.json(response);

        assertThat(metadata.get("issuer").asString()).isEqualTo(issuer);
        assertThat(metadata.get("authorization_endpoint").asString()).isEqualTo(issuer + "/oauth2/authorize");
        assertThat(metadata.get("token_endpoint").asString()).isEqualTo(issuer + "/oauth2/token");
        assertThat(metadata.get("jwks_uri").asString()).isEqualTo(issuer + "/oauth2/jwks");
        assertThat(metadata.get("userinfo_endpoint").asString()).isEqualTo(issuer + "/userinfo");
        assertThat(metadata.get("revocation_endpoint").asString()).isEqualTo(issuer + "/oauth2/revoke");
        assertThat(metadata.get("introspection_endpoint").asString()).isEqualTo(issuer + "/oauth2/introspect");
        assertThat(metadata.get("end_session_endpoint").asString()).isEqualTo(issuer + "/connect/logout");

        assertThat(strings(metadata, "response_types_supported")).contains("code");
        assertThat(strings(metadata, "code_challenge_methods_supported")).contains("S256").doesNotContain("plain");
        assertThat(strings(metadata, "id_token_signing_alg_values_supported")).contains("RS256", "ES256");
        assertThat(strings(metadata, "grant_types_supported"))
                .contains("authorization_code", "refresh_token", "client_credentials");
        assertThat(strings(metadata, "scopes_supported")).contains("openid");
        assertThat(strings(metadata, "subject_types_supported")).contains("public");
        assertThat(strings(metadata, "token_endpoint_auth_methods_supported"))
                .contains("client_secret_basic", "client_secret_post", "none");
        // Native apps revoke with their client_id alone.
        assertThat(strings(metadata, "revocation_endpoint_auth_methods_supported")).contains("none");
        assertThat(strings(metadata, "claims_supported"))
                .contains("sub", "email", "email_verified", "name", "auth_time", "amr", "acr");
    }

    @Test
    void jwksPublishesAnRsaAndAnEcSigningKeyWithoutPrivateParts() {
        HttpResponse<String> response = new HttpAgent(issuer).get("/oauth2/jwks");
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode keys = OidcClient.json(response).get("keys");
        assertThat(keys.isArray()).isTrue();

        List<String> types = new ArrayList<>();
        for (JsonNode key : keys) {
            types.add(key.get("kty").asString() + "/" + key.get("alg").asString());
            assertThat(key.get("kid").asString()).isNotBlank();
            assertThat(key.get("use").asString()).isEqualTo("sig");
            for (String member : PRIVATE_MEMBERS) {
                assertThat(key.has(member)).as("published key %s has private member %s", key.get("kid"), member).isFalse();
            }
        }
        assertThat(types).contains("RSA/RS256", "EC/ES256");
        for (JsonNode key : keys) {
            if ("EC".equals(key.get("kty").asString())) {
                assertThat(key.get("crv").asString()).isEqualTo("P-256");
            } else {
                assertThat(key.get("n").asString()).isNotBlank();
                assertThat(key.get("e").asString()).isNotBlank();
            }
        }
    }

    private static List<String> strings(JsonNode metadata, String name) {
        JsonNode values = metadata.get(name);
        assertThat(values).as(name).isNotNull();
        List<String> list = new ArrayList<>();
        values.forEach(value -> list.add(value.asString()));
        return list;
    }
}
