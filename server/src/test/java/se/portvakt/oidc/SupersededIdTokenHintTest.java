package se.portvakt.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.web.util.UriComponentsBuilder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import se.portvakt.testing.HttpAgent;
import se.portvakt.testing.OidcClient;
import se.portvakt.testing.OnH2;

/**
 * RP-initiated logout with the ID token of the sign-in after a refresh has replaced it: accepted when we signed
 * it and it belongs to the same session, refused when it was tampered with.
 */
@OnH2
class SupersededIdTokenHintTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String SIGNED_OUT = "se.portvakt.test:/signed-out";

    @Value("${portvakt.issuer}")
    String issuer;

    @Test
    void theIdTokenOfTheSignInStillLogsOutAfterARefresh() {
        HttpAgent browser = new HttpAgent(issuer);
        String firstIdToken = signInAndRefresh(browser);

        HttpResponse<String> logout = browser.get(logoutUrl(firstIdToken, "s1"));

        assertThat(logout.statusCode()).as(logout.body()).isEqualTo(302);
        assertThat(HttpAgent.location(logout)).isEqualTo(SIGNED_OUT + "?state=s1");
    }

    @Test
    void aTamperedIdTokenDoesNotLogOutNorRedirect() {
        HttpAgent browser = new HttpAgent(issuer);
        String firstIdToken = signInAndRefresh(browser);
        String[] parts = firstIdToken.split("\\.");
        String tampered = parts[0] + "." + parts[1] + "." + (parts[2].startsWith("A") ? "B" : "A") + parts[2].substring(1);

        HttpResponse<String> logout = browser.get(logoutUrl(tampered, "s2"));

        assertThat(logout.statusCode()).isEqualTo(400);
        assertThat(logout.headers().firstValue("Location")).isEmpty();
    }

    /** Signs in with the native app, refreshes (which replaces the stored ID token), returns the first ID token. */
    private String signInAndRefresh(HttpAgent browser) {
        OidcClient.Request request = OidcClient.nativeApp();
        URI callback = OidcClient.signIn(browser, request, "signed.in@example.com", "test password one");
        HttpAgent app = new HttpAgent(issuer);
        Map<String, String> exchange = new LinkedHashMap<>(OidcClient.codeExchange(request, OidcClient.param(callback, "code")));
        exchange.put("client_id", request.clientId);
        HttpResponse<String> token = app.post("/oauth2/token", exchange);
        assertThat(token.statusCode()).as(token.body()).isEqualTo(200);
        JsonNode tokens = JSON.readTree(token.body());

        HttpResponse<String> refresh = app.post("/oauth2/token", Map.of("grant_type", "refresh_token",
                "refresh_token", tokens.get("refresh_token").asString(), "client_id", request.clientId));
        assertThat(refresh.statusCode()).as(refresh.body()).isEqualTo(200);
        assertThat(JSON.readTree(refresh.body()).get("id_token").asString()).isNotEqualTo(tokens.get("id_token").asString());
        return tokens.get("id_token").asString();
    }

    private static String logoutUrl(String idTokenHint, String state) {
        return UriComponentsBuilder.fromPath("/connect/logout")
                .queryParam("id_token_hint", idTokenHint)
                .queryParam("post_logout_redirect_uri", SIGNED_OUT)
                .queryParam("state", state)
                .encode().build().toUriString();
    }
}
