package se.portvakt.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpResponse;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;

import se.portvakt.testing.HttpAgent;
import se.portvakt.testing.OidcClient;
import se.portvakt.testing.OnH2;
import se.portvakt.testing.OnPostgres;
import se.portvakt.testing.PublishedKeys;

/**
 * A resource server verifies access tokens with the keys from the JWKS endpoint: RS256 unless the client's
 * bootstrap entry chose {@code access-token-signing-alg: ES256}; and the userinfo endpoint accepts both.
 */
abstract class ResourceServerVerifiesAccessTokensTest {

    @OnH2
    static class OnEmbeddedDatabase extends ResourceServerVerifiesAccessTokensTest {}

    @OnPostgres
    static class OnPostgreSql extends ResourceServerVerifiesAccessTokensTest {}

    @Value("${portvakt.issuer}")
    String issuer;

    @Test
    void aMachineClientThatDidNotChooseGetsRs256() throws Exception {
        SignedJWT token = SignedJWT.parse(clientCredentials("test-machine", "test-machine-secret"));

        assertThat(token.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.RS256);
        assertThat(token.verify(PublishedKeys.verifier(issuer, token))).isTrue();
    }

    @Test
    void aMachineClientThatChoseEs256GetsEs256ThatVerifies() throws Exception {
        SignedJWT token = SignedJWT.parse(clientCredentials("test-machine-es256", "test-machine-es256-secret"));

        assertThat(token.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.ES256);
        assertThat(token.verify(PublishedKeys.verifier(issuer, token))).isTrue();
        assertThat(token.getJWTClaimsSet().getSubject()).isEqualTo("test-machine-es256");
        assertThat(token.getJWTClaimsSet().getIssuer()).isEqualTo(issuer);
    }

    @Test
    void aWebClientsEs256AccessTokenVerifiesAndWorksAtUserinfo() throws Exception {
        var request = new OidcClient.Request("test-es256", "http://localhost:8081/es256/callback", "openid email");
        URI callback = OidcClient.signIn(new HttpAgent(issuer), request, "signed.in@example.com", "test password one");
        HttpResponse<String> tokens = new HttpAgent(issuer)
                .header("Authorization", OidcClient.basic("test-es256", "test-es256-secret"))
                .post("/oauth2/token", OidcClient.codeExchange(request, OidcClient.param(callback, "code")));
        assertThat(tokens.statusCode()).as(tokens.body()).isEqualTo(200);
        String accessToken = OidcClient.json(tokens).get("access_token").asString();
        SignedJWT token = SignedJWT.parse(accessToken);

        assertThat(token.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.ES256);
        assertThat(token.verify(PublishedKeys.verifier(issuer, token))).isTrue();
        HttpResponse<String> userinfo = new HttpAgent(issuer).header("Authorization", "Bearer " + accessToken).get("/userinfo");
        assertThat(userinfo.statusCode()).as(userinfo.body()).isEqualTo(200);
        assertThat(OidcClient.json(userinfo).get("email").asString()).isEqualTo("signed.in@example.com");
    }

    private String clientCredentials(String clientId, String secret) {
        HttpResponse<String> response = new HttpAgent(issuer).header("Authorization", OidcClient.basic(clientId, secret))
                .post("/oauth2/token", OidcClient.form("grant_type", "client_credentials", "scope", "hr.read"));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return OidcClient.json(response).get("access_token").asString();
    }
}
