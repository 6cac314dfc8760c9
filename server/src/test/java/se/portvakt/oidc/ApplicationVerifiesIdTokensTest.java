package se.portvakt.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpResponse;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;

import se.portvakt.testing.HttpAgent;
import se.portvakt.testing.OidcClient;
import se.portvakt.testing.OnH2;
import se.portvakt.testing.OnPostgres;
import se.portvakt.testing.PublishedKeys;

/** An application checks the ID token's signature with the keys from the JWKS endpoint, as a certified RP does. */
abstract class ApplicationVerifiesIdTokensTest {

    @OnH2
    static class OnEmbeddedDatabase extends ApplicationVerifiesIdTokensTest {}

    @OnPostgres
    static class OnPostgreSql extends ApplicationVerifiesIdTokensTest {}

    @Value("${portvakt.issuer}")
    String issuer;

    @Test
    void webClientsIdTokenIsSignedWithRs256AndVerifies() throws Exception {
        SignedJWT idToken = SignedJWT.parse(idToken(OidcClient.web(), "test-web-secret"));

        assertThat(idToken.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.RS256);
        assertThat(idToken.verify(verifier(idToken))).isTrue();
        assertThat(idToken.getJWTClaimsSet().getIssuer()).isEqualTo(issuer);
        assertThat(idToken.getJWTClaimsSet().getAudience()).containsExactly("test-web");
    }

    @Test
    void es256ClientsIdTokenIsSignedWithEs256AndVerifies() throws Exception {
        var request = new OidcClient.Request("test-es256", "http://localhost:8081/es256/callback", "openid email");
        SignedJWT idToken = SignedJWT.parse(idToken(request, "test-es256-secret"));

        assertThat(idToken.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.ES256);
        assertThat(idToken.verify(verifier(idToken))).isTrue();
        assertThat(idToken.getJWTClaimsSet().getAudience()).containsExactly("test-es256");
        assertThat(idToken.getJWTClaimsSet().getStringClaim("email")).isEqualTo("signed.in@example.com");
    }

    @Test
    void aTamperedIdTokenDoesNotVerify() throws Exception {
        String[] parts = idToken(OidcClient.web(), "test-web-secret").split("\\.");
        String otherPayload = java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString("{\"sub\":\"someone-else\"}".getBytes());
        SignedJWT forged = SignedJWT.parse(parts[0] + "." + otherPayload + "." + parts[2]);

        assertThat(forged.verify(verifier(forged))).isFalse();
    }

    private String idToken(OidcClient.Request request, String secret) {
        HttpAgent browser = new HttpAgent(issuer);
        URI callback = OidcClient.signIn(browser, request, "signed.in@example.com", "test password one");
        HttpResponse<String> token = new HttpAgent(issuer).header("Authorization", OidcClient.basic(request.clientId, secret))
                .post("/oauth2/token", OidcClient.codeExchange(request, OidcClient.param(callback, "code")));
        assertThat(token.statusCode()).as(token.body()).isEqualTo(200);
        return OidcClient.json(token).get("id_token").asString();
    }

    private JWSVerifier verifier(SignedJWT token) throws Exception {
        return PublishedKeys.verifier(issuer, token);
    }
}
