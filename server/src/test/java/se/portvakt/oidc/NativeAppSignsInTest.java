package se.portvakt.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpResponse;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.web.util.UriComponentsBuilder;
import tools.jackson.databind.JsonNode;

import se.portvakt.testing.HttpAgent;
import se.portvakt.testing.OidcClient;
import se.portvakt.testing.OnH2;
import se.portvakt.testing.OnPostgres;

/**
 * A mobile app (public client, no secret) signs a person in with code + PKCE, keeps them signed in with
 * rotating refresh tokens, and revokes its tokens at sign-out, naming itself by client_id only.
 */
abstract class NativeAppSignsInTest {

    @OnH2
    static class OnEmbeddedDatabase extends NativeAppSignsInTest {}

    @OnPostgres
    static class OnPostgreSql extends NativeAppSignsInTest {}

    @Value("${portvakt.issuer}")
    String issuer;

    @Test
    void codeWithPkceAndNoSecretGivesTokens() {
        JsonNode tokens = signIn(OidcClient.nativeApp());

        assertThat(tokens.get("access_token").asString()).isNotBlank();
        assertThat(tokens.get("refresh_token").asString()).isNotBlank();
        JsonNode idToken = OidcClient.claims(tokens.get("id_token").asString());
        JsonNode audience = idToken.get("aud");
        assertThat(audience.isArray() ? audience.get(0).asString() : audience.asString()).isEqualTo("test-native");
        assertThat(idToken.get("email").asString()).isEqualTo("signed.in@example.com");
    }

    @Test
    void authorizationRequestWithoutCodeChallengeIsRefusedWithAnErrorRedirect() {
        var request = OidcClient.nativeApp();
        String withoutPkce = UriComponentsBuilder.fromPath("/oauth2/authorize")
                .queryParam("response_type", "code")
                .queryParam("client_id", request.clientId)
                .queryParam("redirect_uri", request.redirectUri)
                .queryParam("scope", request.scope)
                .queryParam("state", request.state)
                .encode().build().toUriString();

        HttpResponse<String> response = new HttpAgent(issuer).get(withoutPkce);

        assertThat(response.statusCode()).isEqualTo(302);
        URI location = URI.create(HttpAgent.location(response));
        assertThat(location.toString()).startsWith(request.redirectUri + "?");
        assertThat(OidcClient.param(location, "error")).isEqualTo("invalid_request");
        assertThat(OidcClient.param(location, "state")).isEqualTo(request.state);
        assertThat(OidcClient.param(location, "code")).isNull();
    }

    @Test
    void wrongCodeVerifierIsRefused() {
        var request = OidcClient.nativeApp();
        URI callback = OidcClient.signIn(new HttpAgent(issuer), request, "signed.in@example.com", "test password one");
        Map<String, String> exchange = OidcClient.codeExchange(request, OidcClient.param(callback, "code"));
        exchange.put("client_id", request.clientId);
        exchange.put("code_verifier", OidcClient.nativeApp().verifier);

        HttpResponse<String> response = new HttpAgent(issuer).post("/oauth2/token", exchange);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(OidcClient.json(response).get("error").asString()).isEqualTo("invalid_grant");
    }

    @Test
    void codeExchangeWithoutVerifierIsRefused() {
        var request = OidcClient.nativeApp();
        URI callback = OidcClient.signIn(new HttpAgent(issuer), request, "signed.in@example.com", "test password one");
        Map<String, String> exchange = OidcClient.codeExchange(request, OidcClient.param(callback, "code"));
        exchange.put("client_id", request.clientId);
        exchange.remove("code_verifier");

        HttpResponse<String> response = new HttpAgent(issuer).post("/oauth2/token", exchange);

        // Without a verifier a public client has no way to authenticate at the code exchange.
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(OidcClient.json(response).get("error").asString()).isEqualTo("invalid_client");
    }

    @Test
    void refreshWithClientIdOnlyRotatesTheRefreshToken() {
        String first = signIn(OidcClient.nativeApp()).get("refresh_token").asString();

        HttpResponse<String> refreshed = refresh(first);
        assertThat(refreshed.statusCode()).as(refreshed.body()).isEqualTo(200);
        JsonNode tokens = OidcClient.json(refreshed);
        String second = tokens.get("refresh_token").asString();
        assertThat(second).isNotBlank().isNotEqualTo(first);
        assertThat(userinfo(tokens.get("access_token").asString()).statusCode()).isEqualTo(200);
        assertThat(refresh(second).statusCode()).isEqualTo(200);

        // The first one coming back now also ends its family (CodesAndRefreshTokensAreSpentOnceTest).
        HttpResponse<String> reused = refresh(first);
        assertThat(reused.statusCode()).isEqualTo(400);
        assertThat(OidcClient.json(reused).get("error").asString()).isEqualTo("invalid_grant");
    }

    @Test
    void refreshNamingAnotherClientIsRefused() {
        String refreshToken = signIn(OidcClient.nativeApp()).get("refresh_token").asString();

        HttpResponse<String> response = new HttpAgent(issuer).post("/oauth2/token", OidcClient.form(
                "grant_type", "refresh_token", "refresh_token", refreshToken, "client_id", "test-web"));

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(OidcClient.json(response).get("error").asString()).isEqualTo("invalid_client");
        assertThat(refresh(refreshToken).statusCode()).isEqualTo(200);
    }

    @Test
    void revokeWithClientIdOnlyEndsTheRefreshToken() {
        JsonNode tokens = signIn(OidcClient.nativeApp());
        String refreshToken = tokens.get("refresh_token").asString();

        HttpResponse<String> revoked = new HttpAgent(issuer).post("/oauth2/revoke", OidcClient.form(
                "token", refreshToken, "token_type_hint", "refresh_token", "client_id", "test-native"));
        assertThat(revoked.statusCode()).isEqualTo(200);

        HttpResponse<String> afterwards = refresh(refreshToken);
        assertThat(afterwards.statusCode()).isEqualTo(400);
        assertThat(OidcClient.json(afterwards).get("error").asString()).isEqualTo("invalid_grant");
        // Revoking the refresh token also ends the access tokens issued with it (RFC 7009 2.1).
        assertThat(userinfo(tokens.get("access_token").asString()).statusCode()).isEqualTo(401);
    }

    @Test
    void aWebClientsRefreshTokenCannotBeUsedWithTheNativeClientId() {
        String webRefreshToken = webClientTokens().get("refresh_token").asString();

        HttpResponse<String> response = refresh(webRefreshToken);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(OidcClient.json(response).get("error").asString()).isEqualTo("invalid_grant");
        HttpResponse<String> byItsOwner = new HttpAgent(issuer).header("Authorization", OidcClient.basic("test-web", "test-web-secret"))
                .post("/oauth2/token", OidcClient.form("grant_type", "refresh_token", "refresh_token", webRefreshToken));
        assertThat(byItsOwner.statusCode()).isEqualTo(200);
    }

    @Test
    void aWebClientsTokenCannotBeRevokedWithTheNativeClientId() {
        JsonNode webTokens = webClientTokens();

        HttpResponse<String> response = new HttpAgent(issuer).post("/oauth2/revoke", OidcClient.form(
                "token", webTokens.get("refresh_token").asString(), "client_id", "test-native"));

        // Spring's revocation endpoint answers every error with 400 (RFC 7009 2.2.1 allows it).
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(OidcClient.json(response).get("error").asString()).isEqualTo("invalid_client");
        assertThat(userinfo(webTokens.get("access_token").asString()).statusCode()).isEqualTo(200);
    }

    private JsonNode webClientTokens() {
        var request = OidcClient.web();
        URI callback = OidcClient.signIn(new HttpAgent(issuer), request, "signed.in@example.com", "test password one");
        HttpResponse<String> token = new HttpAgent(issuer).header("Authorization", OidcClient.basic("test-web", "test-web-secret"))
                .post("/oauth2/token", OidcClient.codeExchange(request, OidcClient.param(callback, "code")));
        assertThat(token.statusCode()).as(token.body()).isEqualTo(200);
        return OidcClient.json(token);
    }

    private JsonNode signIn(OidcClient.Request request) {
        URI callback = OidcClient.signIn(new HttpAgent(issuer), request, "signed.in@example.com", "test password one");
        Map<String, String> exchange = OidcClient.codeExchange(request, OidcClient.param(callback, "code"));
        exchange.put("client_id", request.clientId);
        HttpResponse<String> token = new HttpAgent(issuer).post("/oauth2/token", exchange);
        assertThat(token.statusCode()).as(token.body()).isEqualTo(200);
        return OidcClient.json(token);
    }

    private HttpResponse<String> refresh(String refreshToken) {
        return new HttpAgent(issuer).post("/oauth2/token", OidcClient.form(
                "grant_type", "refresh_token", "refresh_token", refreshToken, "client_id", "test-native"));
    }

    private HttpResponse<String> userinfo(String accessToken) {
        return new HttpAgent(issuer).header("Authorization", "Bearer " + accessToken).get("/userinfo");
    }
}
