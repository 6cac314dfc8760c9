package se.portvakt.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpResponse;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import tools.jackson.databind.JsonNode;

import se.portvakt.testing.HttpAgent;
import se.portvakt.testing.OidcClient;
import se.portvakt.testing.OnH2;
import se.portvakt.testing.OnPostgres;

/**
 * A server-side web application (confidential client) exchanges its code once, refreshes, reads userinfo for the
 * scopes it was granted, and is held to its secret and its exact redirect URI.
 */
abstract class WebAppUsesTokensTest {

    @OnH2
    static class OnEmbeddedDatabase extends WebAppUsesTokensTest {}

    @OnPostgres
    static class OnPostgreSql extends WebAppUsesTokensTest {}

    private static final String EMAIL = "signed.in@example.com";
    private static final String PASSWORD = "test password one";

    @Value("${portvakt.issuer}")
    String issuer;

    @Test
    void refreshTokenGivesANewWorkingAccessToken() {
        JsonNode tokens = signedIn(OidcClient.web());

        HttpResponse<String> refreshed = app().post("/oauth2/token", OidcClient.form(
                "grant_type", "refresh_token", "refresh_token", tokens.get("refresh_token").asString()));

        assertThat(refreshed.statusCode()).as(refreshed.body()).isEqualTo(200);
        String accessToken = OidcClient.json(refreshed).get("access_token").asString();
        assertThat(accessToken).isNotBlank().isNotEqualTo(tokens.get("access_token").asString());
        assertThat(userinfo(accessToken).statusCode()).isEqualTo(200);
    }

    @Test
    void userinfoHasTheClaimsOfTheGrantedScopes() {
        JsonNode tokens = signedIn(OidcClient.web());

        HttpResponse<String> response = userinfo(tokens.get("access_token").asString());

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode claims = OidcClient.json(response);
        assertThat(claims.get("sub").asString()).isEqualTo(OidcClient.claims(tokens.get("id_token").asString()).get("sub").asString());
        assertThat(claims.get("email").asString()).isEqualTo(EMAIL);
        assertThat(claims.get("email_verified").asBoolean()).isTrue();
        assertThat(claims.get("name").asString()).isEqualTo("Signed In");
    }

    @Test
    void withScopeOpenidOnlyNeitherUserinfoNorIdTokenTellEmailOrName() {
        var request = new OidcClient.Request("test-web", OidcClient.WEB.redirectUri, "openid");
        JsonNode tokens = signedIn(request);

        JsonNode userinfo = OidcClient.json(userinfo(tokens.get("access_token").asString()));
        assertThat(userinfo.get("sub").asString()).isNotBlank();
        assertThat(userinfo.has("email")).isFalse();
        assertThat(userinfo.has("email_verified")).isFalse();
        assertThat(userinfo.has("name")).isFalse();

        JsonNode idToken = OidcClient.claims(tokens.get("id_token").asString());
        assertThat(idToken.has("email")).isFalse();
        assertThat(idToken.has("name")).isFalse();
        assertThat(tokens.get("scope").asString()).isEqualTo("openid");
        // OpenID Connect Core 11: refresh tokens for offline access only when offline_access is granted.
        assertThat(tokens.has("refresh_token")).isFalse();
    }

    @Test
    void aCodeWorksOnceAndItsReuseEndsTheTokensItGave() {
        var request = OidcClient.web();
        URI callback = signIn(request);
        Exchange first = exchange(request, callback);
        assertThat(first.response.statusCode()).isEqualTo(200);

        Exchange second = exchange(request, callback);

        assertThat(second.response.statusCode()).isEqualTo(400);
        assertThat(second.json().get("error").asString()).isEqualTo("invalid_grant");
        // RFC 6749 4.1.2 / OAuth 2.1: a replayed code revokes what it was exchanged for.
        assertThat(userinfo(first.json().get("access_token").asString()).statusCode()).isEqualTo(401);
    }

    @Test
    void wrongSecretIsInvalidClient() {
        var request = OidcClient.web();
        URI callback = signIn(request);

        HttpResponse<String> response = new HttpAgent(issuer).header("Authorization", OidcClient.basic("test-web", "not-the-secret"))
                .post("/oauth2/token", OidcClient.codeExchange(request, OidcClient.param(callback, "code")));

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(OidcClient.json(response).get("error").asString()).isEqualTo("invalid_client");
        // The code was not spent by the failed attempt.
        assertThat(exchange(request, callback).response.statusCode()).isEqualTo(200);
    }

    @Test
    void secretInTheFormIsAcceptedToo() {
        var request = OidcClient.web();
        URI callback = signIn(request);
        Map<String, String> form = OidcClient.codeExchange(request, OidcClient.param(callback, "code"));
        form.put("client_id", "test-web");
        form.put("client_secret", "test-web-secret");

        assertThat(new HttpAgent(issuer).post("/oauth2/token", form).statusCode()).isEqualTo(200);
    }

    @Test
    void redirectUriWithAnotherPathIsRefusedAndNotFollowed() {
        assertRefusedWithoutRedirect("http://localhost:8081/login/oauth2/code/evil");
    }

    @Test
    void redirectUriWithAnExtraQueryIsRefusedAndNotFollowed() {
        assertRefusedWithoutRedirect(OidcClient.WEB.redirectUri + "?next=http://evil.example/");
    }

    @Test
    void redirectUriOfAnotherHostIsRefusedAndNotFollowed() {
        assertRefusedWithoutRedirect("http://evil.example/login/oauth2/code/portvakt");
    }

    @Test
    void codeExchangeWithAnotherRedirectUriIsRefused() {
        var request = OidcClient.web();
        URI callback = signIn(request);
        Map<String, String> form = OidcClient.codeExchange(request, OidcClient.param(callback, "code"));
        form.put("redirect_uri", OidcClient.WEB.redirectUri + "/other");

        HttpResponse<String> response = app().post("/oauth2/token", form);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(OidcClient.json(response).get("error").asString()).isEqualTo("invalid_grant");
    }

    private void assertRefusedWithoutRedirect(String redirectUri) {
        var request = new OidcClient.Request("test-web", redirectUri, "openid");
        HttpAgent browser = new HttpAgent(issuer);
        // Signed in already, so only the redirect URI check stands between the request and a code.
        OidcClient.signIn(browser, OidcClient.web(), EMAIL, PASSWORD);

        HttpResponse<String> response = browser.get(request.authorizationUrl());

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Location")).isEmpty();
        assertThat(response.body()).doesNotContain("code=");
    }

    private URI signIn(OidcClient.Request request) {
        return OidcClient.signIn(new HttpAgent(issuer), request, EMAIL, PASSWORD);
    }

    private JsonNode signedIn(OidcClient.Request request) {
        Exchange exchange = exchange(request, signIn(request));
        assertThat(exchange.response.statusCode()).as(exchange.response.body()).isEqualTo(200);
        return exchange.json();
    }

    private HttpAgent app() {
        return new HttpAgent(issuer).header("Authorization", OidcClient.basic("test-web", "test-web-secret"));
    }

    private Exchange exchange(OidcClient.Request request, URI callback) {
        return new Exchange(app().post("/oauth2/token", OidcClient.codeExchange(request, OidcClient.param(callback, "code"))));
    }

    private HttpResponse<String> userinfo(String accessToken) {
        return new HttpAgent(issuer).header("Authorization", "Bearer " + accessToken).get("/userinfo");
    }

    private record Exchange(HttpResponse<String> response) {
        JsonNode json() {
            return OidcClient.json(response);
        }
    }
}
