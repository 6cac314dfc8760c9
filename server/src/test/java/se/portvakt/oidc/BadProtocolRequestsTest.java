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
 * A broken or hostile client sends garbage to the protocol endpoints: every answer is an RFC 6749 / RFC 6750
 * error with the right code, never a 500 and never a stack trace.
 */
abstract class BadProtocolRequestsTest {

    @OnH2
    static class OnEmbeddedDatabase extends BadProtocolRequestsTest {}

    @OnPostgres
    static class OnPostgreSql extends BadProtocolRequestsTest {}

    private static final String HUGE = "x".repeat(200_000);

    @Value("${portvakt.issuer}")
    String issuer;

    // Token endpoint (RFC 6749 5.2)

    @Test
    void tokenRequestWithoutGrantTypeIsInvalidRequest() {
        assertTokenError(web().post("/oauth2/token", OidcClient.form("code", "abc")), 400, "invalid_request");
    }

    @Test
    void unknownGrantTypeIsUnsupportedGrantType() {
        assertTokenError(web().post("/oauth2/token", OidcClient.form("grant_type", "urn:example:magic")), 400,
                "unsupported_grant_type");
    }

    @Test
    void passwordGrantIsNotOffered() {
        assertTokenError(web().post("/oauth2/token", OidcClient.form("grant_type", "password",
                "username", "signed.in@example.com", "password", "test password one")), 400, "unsupported_grant_type");
    }

    @Test
    void grantTypeTheClientIsNotAllowedIsUnauthorizedClient() {
        assertTokenError(web().post("/oauth2/token", OidcClient.form("grant_type", "client_credentials")), 400,
                "unauthorized_client");
    }

    @Test
    void unknownCodeIsInvalidGrant() {
        assertTokenError(web().post("/oauth2/token", OidcClient.form("grant_type", "authorization_code",
                "code", "no-such-code", "redirect_uri", OidcClient.WEB.redirectUri)), 400, "invalid_grant");
    }

    @Test
    void unknownRefreshTokenIsInvalidGrant() {
        assertTokenError(web().post("/oauth2/token", OidcClient.form("grant_type", "refresh_token",
                "refresh_token", "no-such-token")), 400, "invalid_grant");
    }

    @Test
    void malformedBasicHeaderIsRefused() {
        for (String header : new String[] {"Basic !!!not-base64!!!", "Basic " + base64("no-colon"), "Basic ", "Basic"}) {
            HttpResponse<String> response = new HttpAgent(issuer).header("Authorization", header)
                    .post("/oauth2/token", OidcClient.form("grant_type", "client_credentials"));
            assertThat(response.statusCode()).as(header).isEqualTo(400);
            assertThat(OidcClient.json(response).get("error").asString()).as(header).isEqualTo("invalid_request");
        }
    }

    @Test
    void unknownClientIsInvalidClient() {
        HttpResponse<String> response = new HttpAgent(issuer).header("Authorization", OidcClient.basic("nobody", "secret-secret"))
                .post("/oauth2/token", OidcClient.form("grant_type", "client_credentials"));
        assertTokenError(response, 401, "invalid_client");
    }

    @Test
    void noClientAuthenticationIsInvalidClient() {
        assertTokenError(new HttpAgent(issuer).post("/oauth2/token", OidcClient.form("grant_type", "client_credentials")),
                401, "invalid_client");
    }

    @Test
    void repeatedParameterIsInvalidRequest() {
        HttpResponse<String> response = machine().post("/oauth2/token?grant_type=client_credentials",
                OidcClient.form("grant_type", "client_credentials"));
        assertTokenError(response, 400, "invalid_request");
    }

    @Test
    void hugeParametersAreRefusedCalmly() {
        HttpResponse<String> response = machine().post("/oauth2/token",
                OidcClient.form("grant_type", "client_credentials", "scope", HUGE));
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(OidcClient.json(response).get("error").asString()).isEqualTo("invalid_scope");
    }

    @Test
    void tokenEndpointDoesNotAnswerGet() {
        HttpResponse<String> response = machine().get("/oauth2/token?grant_type=client_credentials");
        assertThat(response.statusCode()).isNotEqualTo(200).isLessThan(500);
        assertThat(response.body()).doesNotContain("access_token");
    }

    // Authorization endpoint (RFC 6749 4.1.2.1: no redirect unless client and redirect URI are valid)

    @Test
    void unknownClientIdIsABadRequestWithoutRedirect() {
        var request = new OidcClient.Request("no-such-client", OidcClient.WEB.redirectUri, "openid");
        assertErrorPageWithoutRedirect(new HttpAgent(issuer).get(request.authorizationUrl()));
    }

    @Test
    void missingClientIdIsABadRequestWithoutRedirect() {
        assertErrorPageWithoutRedirect(new HttpAgent(issuer).get("/oauth2/authorize?response_type=code&scope=openid"));
    }

    @Test
    void noParametersAtAllIsABadRequest() {
        assertErrorPageWithoutRedirect(new HttpAgent(issuer).get("/oauth2/authorize"));
    }

    // Spring Authorization Server checks response_type before it has validated the redirect URI, so it shows the
    // error page rather than redirecting; RFC 6749 4.1.2.1 prefers a redirect, the page is the safe side of it.

    @Test
    void missingResponseTypeIsABadRequest() {
        assertErrorPageWithoutRedirect(new HttpAgent(issuer).get("/oauth2/authorize?client_id=test-web&scope=openid&state=s1"
                + "&redirect_uri=" + OidcClient.WEB.redirectUri));
    }

    @Test
    void unsupportedResponseTypeIsABadRequest() {
        assertErrorPageWithoutRedirect(new HttpAgent(issuer).get("/oauth2/authorize?response_type=token&client_id=test-web"
                + "&scope=openid&state=s1&redirect_uri=" + OidcClient.WEB.redirectUri));
    }

    @Test
    void unknownScopeIsAnErrorRedirect() {
        var request = new OidcClient.Request("test-web", OidcClient.WEB.redirectUri, "openid hr.write");
        assertErrorRedirect(new HttpAgent(issuer).get(request.authorizationUrl()), request.redirectUri, "invalid_scope");
    }

    @Test
    void plainCodeChallengeMethodIsAnErrorRedirect() {
        var request = OidcClient.nativeApp();
        String url = request.authorizationUrl().replace("code_challenge_method=S256", "code_challenge_method=plain");
        assertErrorRedirect(new HttpAgent(issuer).get(url), request.redirectUri, "invalid_request");
    }

    @Test
    void hugeParametersToTheAuthorizationEndpointAreRefusedCalmly() {
        // Over the server's request line limit: refused by the HTTP layer, still not a server error.
        HttpResponse<String> tooLong = new HttpAgent(issuer).get("/oauth2/authorize?response_type=code&client_id=test-web&state="
                + HUGE);
        assertThat(tooLong.statusCode()).isBetween(400, 499);
        assertThat(tooLong.headers().firstValue("Location")).isEmpty();

        // Long but within the limit: the authorization server itself answers.
        String longState = "s".repeat(4_000);
        var request = OidcClient.web();
        String url = request.authorizationUrl().replace("state=" + request.state, "state=" + longState)
                .replace("client_id=test-web", "client_id=" + "c".repeat(2_000));
        assertErrorPageWithoutRedirect(new HttpAgent(issuer).get(url));
    }

    @Test
    void authorizationRequestByPostWithGarbageIsABadRequest() {
        HttpResponse<String> response = new HttpAgent(issuer).post("/oauth2/authorize",
                Map.of("client_id", "test-web", "response_type", "code", "redirect_uri", "%%%not a uri"));
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Location")).isEmpty();
    }

    // Userinfo (RFC 6750 3.1)

    @Test
    void userinfoWithAGarbageBearerTokenIsInvalidToken() {
        for (String token : new String[] {"garbage", "a.b.c", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.", "%%%"}) {
            HttpResponse<String> response = new HttpAgent(issuer).header("Authorization", "Bearer " + token).get("/userinfo");
            assertThat(response.statusCode()).as(token).isEqualTo(401);
            assertThat(response.headers().firstValue("WWW-Authenticate")).as(token)
                    .hasValueSatisfying(value -> assertThat(value).startsWith("Bearer").contains("error=\"invalid_token\""));
        }
    }

    @Test
    void userinfoWithAMachineTokenIsRefused() {
        String machineToken = OidcClient.json(machine().post("/oauth2/token",
                OidcClient.form("grant_type", "client_credentials", "scope", "hr.read"))).get("access_token").asString();
        HttpResponse<String> response = new HttpAgent(issuer).header("Authorization", "Bearer " + machineToken).get("/userinfo");
        assertThat(response.statusCode()).isIn(401, 403);
        assertThat(response.body()).doesNotContain("\"sub\"");
    }

    @Test
    void userinfoWithoutATokenIsUnauthorized() {
        HttpResponse<String> response = new HttpAgent(issuer).get("/userinfo");
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(value -> assertThat(value).startsWith("Bearer"));
    }

    // Revocation and introspection (RFC 7009, RFC 7662)

    @Test
    void revocationWithoutATokenIsInvalidRequest() {
        assertTokenError(machine().post("/oauth2/revoke", OidcClient.form("token_type_hint", "access_token")), 400, "invalid_request");
    }

    @Test
    void revocationOfAnUnknownTokenIsFine() {
        assertThat(machine().post("/oauth2/revoke", OidcClient.form("token", "no-such-token")).statusCode()).isEqualTo(200);
    }

    @Test
    void introspectionWithoutATokenIsInvalidRequest() {
        assertTokenError(machine().post("/oauth2/introspect", OidcClient.form("token_type_hint", "access_token")), 400, "invalid_request");
    }

    @Test
    void publicClientCannotRevokeWithAConfidentialClientsId() {
        HttpResponse<String> response = new HttpAgent(issuer).post("/oauth2/revoke", OidcClient.form(
                "token", "anything", "client_id", "test-web"));
        assertTokenError(response, 401, "invalid_client");
    }

    private void assertTokenError(HttpResponse<String> response, int status, String error) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode body = OidcClient.json(response);
        assertThat(body.get("error").asString()).isEqualTo(error);
        assertThat(response.body()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    private static void assertErrorPageWithoutRedirect(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(response.headers().firstValue("Location")).isEmpty();
        assertThat(response.body()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    private static void assertErrorRedirect(HttpResponse<String> response, String redirectUri, String error) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(302);
        URI location = URI.create(HttpAgent.location(response));
        assertThat(location.toString()).startsWith(redirectUri + "?");
        assertThat(OidcClient.param(location, "error")).isEqualTo(error);
        assertThat(OidcClient.param(location, "code")).isNull();
    }

    private HttpAgent web() {
        return new HttpAgent(issuer).header("Authorization", OidcClient.basic("test-web", "test-web-secret"));
    }

    private HttpAgent machine() {
        return new HttpAgent(issuer).header("Authorization", OidcClient.basic("test-machine", "test-machine-secret"));
    }

    private static String base64(String value) {
        return java.util.Base64.getEncoder().encodeToString(value.getBytes());
    }
}
