package se.portvakt.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpResponse;
import java.util.Base64;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import se.portvakt.testing.HttpAgent;
import se.portvakt.testing.OidcClient;
import se.portvakt.testing.OnH2;
import se.portvakt.testing.OnPostgres;

/** A web application signs a person in with the authorization code flow and PKCE, end to end over HTTP. */
abstract class AuthorizationCodeFlowTest {

    @OnH2
    static class OnEmbeddedDatabase extends AuthorizationCodeFlowTest {}

    @OnPostgres
    static class OnPostgreSql extends AuthorizationCodeFlowTest {}

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Value("${portvakt.issuer}")
    String issuer;

    @Test
    void webClientGetsTokensWithTheAccountsClaims() {
        HttpAgent browser = new HttpAgent(issuer);
        OidcClient.Request request = OidcClient.web();

        URI callback = OidcClient.signIn(browser, request, "signed.in@example.com", "test password one");
        assertThat(OidcClient.param(callback, "state")).isEqualTo(request.state);

        HttpAgent app = new HttpAgent(issuer).header("Authorization", basic("test-web", "test-web-secret"));
        HttpResponse<String> token = app.post("/oauth2/token", OidcClient.codeExchange(request, OidcClient.param(callback, "code")));
        assertThat(token.statusCode()).isEqualTo(200);
        JsonNode tokens = JSON.readTree(token.body());
        JsonNode idToken = claims(tokens.get("id_token").asString());

        assertThat(idToken.get("iss").asString()).isEqualTo(issuer);
        assertThat(idToken.get("aud").isArray() ? idToken.get("aud").get(0).asString() : idToken.get("aud").asString())
                .isEqualTo("test-web");
        assertThat(idToken.get("nonce").asString()).isEqualTo(request.nonce);
        assertThat(idToken.get("email").asString()).isEqualTo("signed.in@example.com");
        assertThat(idToken.get("email_verified").asBoolean()).isTrue();
        assertThat(idToken.get("name").asString()).isEqualTo("Signed In");
        assertThat(idToken.get("amr").get(0).asString()).isEqualTo("pwd");
        assertThat(idToken.get("acr").asString()).isEqualTo("urn:portvakt:acr:1fa");
        assertThat(idToken.get("auth_time").asLong()).isPositive();
        assertThat(idToken.get("sid").asString()).as("sid of the browser session").isNotBlank();
        assertThat(tokens.get("refresh_token").asString()).isNotBlank();
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes());
    }

    static JsonNode claims(String jwt) {
        return JSON.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]));
    }

    static Map<String, String> form(String... pairs) {
        var map = new java.util.LinkedHashMap<String, String>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], pairs[i + 1]);
        }
        return map;
    }
}
