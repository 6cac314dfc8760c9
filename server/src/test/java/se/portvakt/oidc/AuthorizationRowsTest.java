package se.portvakt.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.server.authorization.JdbcOAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import tools.jackson.databind.JsonNode;

import se.portvakt.testing.HttpAgent;
import se.portvakt.testing.OidcClient;
import se.portvakt.testing.OnH2;
import se.portvakt.testing.OnPostgres;

/**
 * Authorizations as the flows leave them (a code not yet exchanged, a web app's tokens after a refresh, a native
 * app's rotated refresh token, a revoked token, a machine client's token as versions before stored it) read the same with {@link AuthorizationRows}
 * as with Spring's own row mapper, on both databases; and a person's access token is introspected with the person's
 * name (the row's principal attribute read back); saving an authorization again updates its one row.
 */
abstract class AuthorizationRowsTest {

    @OnH2
    static class OnEmbeddedDatabase extends AuthorizationRowsTest {}

    @OnPostgres
    static class OnPostgreSql extends AuthorizationRowsTest {}

    private static final String EMAIL = "signed.in@example.com";
    private static final String PASSWORD = "test password one";

    @Value("${portvakt.issuer}")
    String issuer;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    RegisteredClientRepository clients;

    @Autowired
    OAuth2AuthorizationService authorizations;

    @Test
    void everyKindOfStoredAuthorizationReadsAsWithSpringsMapper() {
        var notExchanged = OidcClient.web();
        String unexchangedCode = OidcClient.param(signIn(notExchanged), "code");

        JsonNode web = exchange(OidcClient.web(), app("test-web", "test-web-secret"));
        HttpResponse<String> refreshed = refresh(app("test-web", "test-web-secret"), web.get("refresh_token").asString());
        assertThat(refreshed.statusCode()).isEqualTo(200);

        JsonNode mobile = exchange(OidcClient.nativeApp(), new HttpAgent(issuer));
        HttpResponse<String> rotated = new HttpAgent(issuer).post("/oauth2/token", OidcClient.form("grant_type",
                "refresh_token", "refresh_token", mobile.get("refresh_token").asString(), "client_id", "test-native"));
        assertThat(rotated.statusCode()).isEqualTo(200);

        JsonNode revoked = exchange(OidcClient.web(), app("test-web", "test-web-secret"));
        assertThat(app("test-web", "test-web-secret").post("/oauth2/revoke",
                OidcClient.form("token", revoked.get("access_token").asString())).statusCode()).isEqualTo(200);

        String machineToken = savedAsBeforeDecision0054();
        HttpResponse<String> fromItsRow = app("test-machine", "test-machine-secret").post("/oauth2/introspect",
                OidcClient.form("token", machineToken));
        assertThat(fromItsRow.statusCode()).as(fromItsRow.body()).isEqualTo(200);
        assertThat(fromItsRow.body()).contains("\"active\":true");

        List<String> ours = jdbc.queryForList("""
                SELECT id FROM oauth2_authorization
                WHERE authorization_code_value = ? OR access_token_value IN (?, ?, ?) OR oidc_id_token_value = ?
                """, String.class, unexchangedCode, OidcClient.json(refreshed).get("access_token").asString(),
                revoked.get("access_token").asString(), machineToken, OidcClient.json(rotated).get("id_token").asString());
        assertThat(ours).hasSize(5);
        for (String id : ours) {
            String attributes = jdbc.queryForObject("SELECT attributes FROM oauth2_authorization WHERE id = ?", String.class, id);
            assertThat(StoredJson.readMap(attributes)).as("read without Spring's mapper: %s", attributes)
                    .isNotSameAs(StoredJson.UNKNOWN);
        }

        RowMapper<OAuth2Authorization> spring = new JdbcOAuth2AuthorizationService.JsonMapperOAuth2AuthorizationRowMapper(clients);
        RowMapper<OAuth2Authorization> portvakt = new AuthorizationRows(clients);
        // Every row, the other tests' too: whatever is stored reads the same.
        for (String id : jdbc.queryForList("SELECT id FROM oauth2_authorization", String.class)) {
            String sql = "SELECT * FROM oauth2_authorization WHERE id = ?";
            String client = jdbc.queryForObject("SELECT registered_client_id FROM oauth2_authorization WHERE id = ?",
                    String.class, id);
            if (clients.findById(client) == null) {
                // A client another test removed: Spring's mapper throws, ours reads no authorization (decision 0058).
                assertThat(jdbc.queryForObject(sql, portvakt, id)).isNull();
                continue;
            }
            assertThat(StoredAuthorizationJson.describe(jdbc.queryForObject(sql, portvakt, id)))
                    .isEqualTo(StoredAuthorizationJson.describe(jdbc.queryForObject(sql, spring, id)));
        }
    }

    /**
     * A machine client's token is no longer stored (decision 0054), but the rows that versions before stored for
     * such tokens (no {@code client_id} claim) are still read until they are purged: one saved as they saved it.
     */
    private String savedAsBeforeDecision0054() {
        Instant now = Instant.now();
        String token = "machine-token-" + UUID.randomUUID();
        // The collection types Spring's JSON mapper allows in the stored row, as the token generator's claims are.
        Map<String, Object> claims = new LinkedHashMap<>(Map.of("iss", issuer, "sub", "test-machine",
                "aud", new ArrayList<>(List.of("test-machine")), "iat", now, "nbf", now, "exp", now.plusSeconds(300),
                "jti", UUID.randomUUID().toString(), "scope", new HashSet<>(Set.of("hr.read"))));
        authorizations.save(OAuth2Authorization.withRegisteredClient(clients.findByClientId("test-machine"))
                .principalName("test-machine")
                .authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
                .authorizedScopes(Set.of("hr.read"))
                .token(new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, token, now, now.plusSeconds(300),
                        Set.of("hr.read")), metadata -> metadata.put(OAuth2Authorization.Token.CLAIMS_METADATA_NAME, claims))
                .build());
        return token;
    }

    @Test
    void savingAStoredAuthorizationAgainUpdatesItsOneRow() {
        JsonNode tokens = exchange(OidcClient.web(), app("test-web", "test-web-secret"));
        OAuth2Authorization stored = authorizations.findByToken(tokens.get("access_token").asString(), OAuth2TokenType.ACCESS_TOKEN);
        assertThat(stored).isNotNull();

        authorizations.save(OAuth2Authorization.from(stored).attribute("portvakt.test", "saved again").build());

        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM oauth2_authorization WHERE id = ?", Integer.class, stored.getId()))
                .isEqualTo(1);
        OAuth2Authorization reread = authorizations.findById(stored.getId());
        assertThat(reread.<String>getAttribute("portvakt.test")).isEqualTo("saved again");
        assertThat(StoredAuthorizationJson.describe(OAuth2Authorization.from(reread).attributes(a -> a.remove("portvakt.test")).build()))
                .isEqualTo(StoredAuthorizationJson.describe(stored));
    }

    @Test
    void aPersonsAccessTokenIsIntrospectedWithThePersonUntilRevoked() {
        JsonNode tokens = exchange(OidcClient.web(), app("test-web", "test-web-secret"));
        String accessToken = tokens.get("access_token").asString();
        String subject = OidcClient.claims(tokens.get("id_token").asString()).get("sub").asString();

        JsonNode active = OidcClient.json(app("test-web", "test-web-secret").post("/oauth2/introspect",
                OidcClient.form("token", accessToken)));
        assertThat(active.get("active").asBoolean()).isTrue();
        assertThat(active.get("sub").asString()).isEqualTo(subject);
        assertThat(active.get("client_id").asString()).isEqualTo("test-web");
        assertThat(active.get("scope").asString()).contains("openid");

        app("test-web", "test-web-secret").post("/oauth2/revoke", OidcClient.form("token", accessToken));

        JsonNode inactive = OidcClient.json(app("test-web", "test-web-secret").post("/oauth2/introspect",
                OidcClient.form("token", accessToken)));
        assertThat(inactive.get("active").asBoolean()).isFalse();
    }

    private URI signIn(OidcClient.Request request) {
        return OidcClient.signIn(new HttpAgent(issuer), request, EMAIL, PASSWORD);
    }

    private JsonNode exchange(OidcClient.Request request, HttpAgent client) {
        var form = OidcClient.codeExchange(request, OidcClient.param(signIn(request), "code"));
        if (request.clientId.equals("test-native")) {
            form.put("client_id", "test-native");
        }
        HttpResponse<String> response = client.post("/oauth2/token", form);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return OidcClient.json(response);
    }

    private HttpResponse<String> refresh(HttpAgent client, String refreshToken) {
        return client.post("/oauth2/token", OidcClient.form("grant_type", "refresh_token", "refresh_token", refreshToken));
    }

    private HttpAgent app(String clientId, String secret) {
        return new HttpAgent(issuer).header("Authorization", OidcClient.basic(clientId, secret));
    }
}
